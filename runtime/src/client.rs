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
//! Calls are traced with the [`tracing`] crate: a span `top.call` (fields `method`, `format`,
//! `sign_method`) around the call, a span `top.attempt` (field `attempt`, from 1) around each
//! attempt, and one event per attempt with the outcome: `status`, `request_id`, TOP's `code`
//! and `sub_code`, the `error` (its `Display`, which never holds a secret), whether it is
//! retried and after how many milliseconds. Successes are at `DEBUG`, failures at `INFO`.
//! Neither the app secret, the session, the sign nor the URL's query is ever recorded.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Url;
use tracing::Instrument;

use crate::error::{Error, ParamError, ParamErrorKind};
use crate::file::FileItem;
use crate::format::Format;
use crate::params::Params;
use crate::prepare::{
    Body, CallContext, PreparedRequest, SignedQuery, body_of, encode_pairs_after, prepare,
};
use crate::request::Request;
use crate::response::decode_reply_in;
use crate::retry::{RetryPolicy, jitter_sample, random_u64};
use crate::secret::Secret;
use crate::sign::{SignMethod, is_blank};
use crate::transport::{
    HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportError, TransportErrorKind,
    with_timeout,
};
use crate::{DateTime, time};

/// The production gateway (HTTPS).
pub const PRODUCTION_ENDPOINT: &str = "https://eco.taobao.com/router/rest";

/// The default connect timeout (the official SDK's).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The default timeout of one attempt (the official SDK's read timeout).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default limit on a reply's body: 64 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 64 << 20;

/// The `Content-Type` of a form body, as the official SDK sends it.
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=UTF-8";

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
}

/// What one attempt gave, with what the log reports about it.
struct Attempt<T> {
    status: Option<u16>,
    request_id: Option<String>,
    result: Result<T, Error>,
}

impl Client {
    /// Starts configuring a client for the app `app_key` with its secret.
    pub fn builder(app_key: impl Into<String>, app_secret: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder {
            app_key: app_key.into(),
            secret: app_secret.into(),
            endpoint: PRODUCTION_ENDPOINT.to_owned(),
            sign_method: SignMethod::default(),
            format: Format::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            retry: RetryPolicy::default(),
            partner_id: None,
            target_app_key: None,
            http: Http::Default,
            clock: None,
        }
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
        let format = options.format.unwrap_or(self.inner.format);
        let span = tracing::info_span!(
            "top.call",
            method = R::METHOD,
            format = format.as_str(),
            sign_method = self.inner.sign_method.as_str(),
        );
        self.call(request, options, format).instrument(span).await
    }

    /// The attempts of one call.
    async fn call<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
        format: Format,
    ) -> Result<R::Response, Error> {
        let inner = &*self.inner;
        let policy = options.retry.as_ref().unwrap_or(&inner.retry);
        // A deadline too far away to represent is no deadline.
        let deadline = options.deadline.and_then(|d| Instant::now().checked_add(d));
        let mut attempt: u32 = 1;
        // Bounded: `decide` gives up once `attempt` reaches the policy's maximum (at most
        // `RetryPolicy::MAX_ATTEMPTS`).
        loop {
            let span = tracing::debug_span!("top.attempt", attempt);
            let Attempt {
                status,
                request_id,
                result,
            } = self
                .attempt(request, options, format, deadline)
                .instrument(span.clone())
                .await;
            let error = match result {
                Ok(response) => {
                    span.in_scope(|| {
                        tracing::debug!(
                            attempt,
                            status,
                            request_id = request_id.as_deref(),
                            "TOP call succeeded"
                        );
                    });
                    return Ok(response);
                }
                Err(error) => error,
            };
            let mut decision = policy.decide_with(&error, attempt, jitter_sample());
            let mut cut_by_deadline = false;
            if let (Some(delay), Some(deadline)) = (decision, deadline)
                && Instant::now()
                    .checked_add(delay)
                    .is_none_or(|at| at >= deadline)
            {
                decision = None;
                cut_by_deadline = true;
            }
            span.in_scope(|| {
                let top = error.top();
                let request_id = top
                    .and_then(|e| e.request_id.as_deref())
                    .or(request_id.as_deref());
                let delay_ms = decision.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                tracing::info!(
                    attempt,
                    status,
                    request_id,
                    code = top.map(|e| e.code),
                    sub_code = top.and_then(|e| e.sub_code.as_deref()),
                    error = %error,
                    retry = decision.is_some(),
                    delay_ms,
                    deadline_reached = cut_by_deadline,
                    "TOP call failed"
                );
            });
            let Some(delay) = decision else {
                return Err(error);
            };
            if !delay.is_zero() {
                inner.transport.sleep(delay).await;
            }
            attempt = attempt.saturating_add(1);
        }
    }

    /// One attempt: encode and sign now, send, decode.
    async fn attempt<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
        format: Format,
        deadline: Option<Instant>,
    ) -> Attempt<R::Response> {
        let failed = |error| Attempt {
            status: None,
            request_id: None,
            result: Err(error),
        };
        let inner = &*self.inner;
        let timestamp = (inner.clock)();
        let (ctx, params) = match self.context_in(request, options, format, &timestamp) {
            Ok(prepared) => prepared,
            Err(e) => return failed(e),
        };
        // What `prepare` gives, written straight into the URL and the body.
        let signed = SignedQuery::new(&ctx, &params);
        let url = call_url(&inner.endpoint, signed.pairs());
        let (content_type, body) = match encode_body(body_of(&params)) {
            Ok(encoded) => encoded,
            Err(e) => return failed(e),
        };
        let mut timeout = options.timeout.unwrap_or(inner.timeout);
        if let Some(deadline) = deadline {
            timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
        }
        let limit = inner.max_body_size;
        let http_request = HttpRequest {
            url,
            content_type,
            body,
            connect_timeout: inner.connect_timeout.min(timeout),
            timeout,
            max_body_size: limit,
            headers: vec![("Accept".to_owned(), ACCEPT.to_owned())],
        };
        let sent = with_timeout(
            inner.transport.send(http_request),
            inner.transport.sleep(timeout),
        )
        .await;
        let HttpResponse { status, body } = match sent {
            Some(Ok(response)) => response,
            Some(Err(e)) => {
                let error = match e.kind() {
                    TransportErrorKind::BodyTooLarge { limit, status } => Attempt {
                        status: Some(status),
                        request_id: None,
                        result: Err(Error::BodyTooLarge { limit, status }),
                    },
                    _ => {
                        // What the error must not quote (rebuilt here: errors are rare).
                        let url = call_url(&inner.endpoint, signed.pairs());
                        let query = url.split_once('?').map_or("", |(_, q)| q);
                        let session = options.session.as_ref().map(Secret::expose_secret);
                        let needles = [
                            url.as_str(),
                            query,
                            signed.sign(),
                            session.unwrap_or_default(),
                            inner.secret.expose_secret(),
                        ];
                        failed(Error::Transport {
                            source: e.scrub(&needles),
                        })
                    }
                };
                return error;
            }
            None => {
                return failed(Error::Transport {
                    source: TransportError::timeout(format!(
                        "no complete reply within {} ms",
                        timeout.as_millis()
                    )),
                });
            }
        };
        if body.len() > limit {
            // A transport that did not apply the limit: the reply is refused all the same.
            return Attempt {
                status: Some(status),
                request_id: None,
                result: Err(Error::BodyTooLarge { limit, status }),
            };
        }
        Attempt {
            status: Some(status),
            // Only the log reports it: looked for only when the log would show it.
            request_id: if tracing::enabled!(tracing::Level::INFO) {
                find_request_id(&body)
            } else {
                None
            },
            result: decode_reply_in(format, &body, R::RESPONSE_KEY, status),
        }
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

/// The body of a request and its `Content-Type`: the form as it is, or a multipart body in
/// the official Java SDK's layout:
///
/// ```text
/// \r\n--B\r\nContent-Disposition:form-data;name="robot_sn"\r\nContent-Type:text/plain\r\n\r\nxxxxx
/// \r\n--B\r\nContent-Disposition:form-data;name="image";filename="a.png"\r\nContent-Type:image/png\r\n\r\nPNGDATA
/// \r\n--B--\r\n
/// ```
///
/// with `Content-Type: multipart/form-data;charset=UTF-8;boundary=B`. The boundary is random
/// and checked not to occur in any part. Quotes and line breaks in names are escaped as
/// `%22`, `%0D`, `%0A` (as browsers do); a MIME type that is not a plain `type/subtype…` is an
/// [`Error::Param`].
fn encode_body(body: Body) -> Result<(String, Vec<u8>), Error> {
    let (text, files) = match body {
        Body::Form(form) => return Ok((FORM_CONTENT_TYPE.to_owned(), form.into_bytes())),
        Body::Multipart { text, files } => (text, files),
    };
    for (name, file) in &files {
        check_mime(name, file)?;
    }
    let occurs_in_a_part = |boundary: &str| {
        let needle = boundary.as_bytes();
        let has = |hay: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        text.iter()
            .any(|(name, value)| has(name.as_bytes()) || has(value.as_bytes()))
            || files.iter().any(|(name, file)| {
                has(name.as_bytes())
                    || has(file.file_name.as_bytes())
                    || has(file.mime.as_bytes())
                    || has(&file.bytes)
            })
    };
    // A 128-bit random boundary is all but certain to be absent; the loop is bounded anyway.
    let boundary = (0..8)
        .map(|_| format!("{:016x}{:016x}", random_u64(), random_u64()))
        .find(|b| !occurs_in_a_part(b))
        .ok_or_else(|| {
            Error::Param(ParamError {
                param: files.first().map_or("", |(name, _)| *name),
                kind: ParamErrorKind::Encode(
                    "no multipart boundary absent from the content was found".to_owned(),
                ),
            })
        })?;
    let size = text
        .iter()
        .map(|(n, v)| n.len() + v.len() + 128)
        .sum::<usize>()
        + files
            .iter()
            .map(|(n, f)| n.len() + f.file_name.len() + f.mime.len() + f.bytes.len() + 128)
            .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    for (name, value) in &text {
        out.extend_from_slice(b"\r\n--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\nContent-Disposition:form-data;name=\"");
        out.extend_from_slice(escape_quoted(name).as_bytes());
        out.extend_from_slice(b"\"\r\nContent-Type:text/plain\r\n\r\n");
        out.extend_from_slice(value.as_bytes());
    }
    for (name, file) in &files {
        out.extend_from_slice(b"\r\n--");
        out.extend_from_slice(boundary.as_bytes());
        out.extend_from_slice(b"\r\nContent-Disposition:form-data;name=\"");
        out.extend_from_slice(escape_quoted(name).as_bytes());
        out.extend_from_slice(b"\";filename=\"");
        out.extend_from_slice(escape_quoted(&file.file_name).as_bytes());
        out.extend_from_slice(b"\"\r\nContent-Type:");
        out.extend_from_slice(file.mime.trim().as_bytes());
        out.extend_from_slice(b"\r\n\r\n");
        out.extend_from_slice(&file.bytes);
    }
    out.extend_from_slice(b"\r\n--");
    out.extend_from_slice(boundary.as_bytes());
    out.extend_from_slice(b"--\r\n");
    Ok((
        format!("multipart/form-data;charset=UTF-8;boundary={boundary}"),
        out,
    ))
}

/// A name inside a quoted header parameter: `"`, CR and LF percent-escaped.
fn escape_quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A file part's MIME type must be `type/subtype` with optional parameters, in visible ASCII
/// (a line break would inject headers).
fn check_mime(param: &'static str, file: &FileItem) -> Result<(), Error> {
    let mime = file.mime.trim();
    let valid = mime
        .split_once('/')
        .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty())
        && mime
            .bytes()
            .all(|b| b == b' ' || b == b'\t' || b.is_ascii_graphic());
    if valid {
        Ok(())
    } else {
        Err(Error::Param(ParamError {
            param,
            kind: ParamErrorKind::Encode(format!("invalid MIME type {:?}", file.mime)),
        }))
    }
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

/// The HTTP stack a builder was given.
enum Http {
    Default,
    Reqwest(reqwest::Client),
    Custom(Arc<dyn Transport>),
}

/// Configures a [`Client`]; see [`Client::builder`].
///
/// `Debug` redacts the secret.
pub struct ClientBuilder {
    app_key: String,
    secret: Secret,
    endpoint: String,
    sign_method: SignMethod,
    format: Format,
    connect_timeout: Duration,
    timeout: Duration,
    max_body_size: usize,
    retry: RetryPolicy,
    partner_id: Option<String>,
    target_app_key: Option<String>,
    http: Http,
    clock: Option<Clock>,
}

impl ClientBuilder {
    /// The gateway: a full `http` or `https` URL including the path, such as
    /// `https://gw.api.tbsandbox.com/router/rest`. Default: [`PRODUCTION_ENDPOINT`].
    /// Validated by [`ClientBuilder::build`].
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// How calls are signed. Default: [`SignMethod::HmacSha256`].
    pub fn sign_method(mut self, m: SignMethod) -> Self {
        self.sign_method = m;
        self
    }

    /// The reply format. Default: [`Format::Json`]; [`CallOptions::format`] overrides it per
    /// call.
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// The connect timeout. Default: 15 s. With [`ClientBuilder::http_client`] your client's
    /// own applies; a custom [`Transport`] gets it as [`HttpRequest::connect_timeout`].
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// The timeout of each attempt, from connecting to the end of the reply's body.
    /// Default: 30 s; [`CallOptions::timeout`] overrides it per call, and
    /// [`CallOptions::deadline`] bounds a whole call.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// The largest reply body accepted, in bytes, counted after inflating a gzip-compressed
    /// reply. A larger one fails with [`Error::BodyTooLarge`] without being buffered.
    /// Default: [`DEFAULT_MAX_BODY_SIZE`] (64 MiB).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// When failed calls are retried. Default: [`RetryPolicy::default`];
    /// [`RetryPolicy::none`] turns retries off; [`CallOptions::retry`] overrides it per call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `partner_id` system param, sent (and signed) with every call.
    pub fn partner_id(mut self, s: impl Into<String>) -> Self {
        self.partner_id = Some(s.into());
        self
    }

    /// The `target_app_key` system param, sent (and signed) with every call.
    pub fn target_app_key(mut self, s: impl Into<String>) -> Self {
        self.target_app_key = Some(s.into());
        self
    }

    /// Uses your own reqwest client (proxy, TLS roots…) through [`ReqwestTransport`]. Its
    /// connect timeout is then yours to set; the per-attempt timeout still applies. Call
    /// [`install_crypto_provider`] before building it (unless your application installs a
    /// rustls provider itself). Replaces an earlier [`ClientBuilder::transport`].
    ///
    /// Do not turn on reqwest's `connection_verbose`: it logs the raw request, whose query
    /// holds the session and the sign.
    pub fn http_client(mut self, c: reqwest::Client) -> Self {
        self.http = Http::Reqwest(c);
        self
    }

    /// Sends calls through another HTTP stack (see [`crate::transport`]). Replaces an
    /// earlier [`ClientBuilder::http_client`].
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.http = Http::Custom(Arc::new(transport));
        self
    }

    /// Where each attempt's timestamp comes from. Default: [`time::now`]. For tests (a fixed
    /// or stepping clock); a clock far from the real time makes TOP refuse calls (code 31).
    pub fn clock(mut self, clock: impl Fn() -> DateTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// Unless a reqwest client or a transport was given, installs rustls' ring provider as
    /// the process default if none is installed yet, then builds a reqwest client with the
    /// connect timeout, the user agent `topgen/<version>` and no redirects.
    pub fn build(self) -> Result<Client, Error> {
        if is_blank(&self.app_key) {
            return Err(Error::Config("the app key is empty".to_owned()));
        }
        if is_blank(self.secret.expose_secret()) {
            return Err(Error::Config("the app secret is empty".to_owned()));
        }
        let endpoint = parse_endpoint(&self.endpoint)?;
        let transport: Arc<dyn Transport> = match self.http {
            Http::Custom(transport) => transport,
            Http::Reqwest(http) => Arc::new(ReqwestTransport::new(http)),
            Http::Default => {
                install_crypto_provider();
                let http = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .user_agent(concat!("topgen/", env!("CARGO_PKG_VERSION")))
                    // TOP never redirects; following one would turn the POST into a GET.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| {
                        Error::Config(format!("cannot build the HTTP client: {}", e.without_url()))
                    })?;
                Arc::new(ReqwestTransport::new(http))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                endpoint,
                app_key: self.app_key,
                secret: self.secret,
                sign_method: self.sign_method,
                format: self.format,
                connect_timeout: self.connect_timeout,
                timeout: self.timeout,
                max_body_size: self.max_body_size,
                retry: self.retry,
                partner_id: self.partner_id.filter(|s| !is_blank(s)),
                target_app_key: self.target_app_key.filter(|s| !is_blank(s)),
                transport,
                clock: self.clock.unwrap_or_else(|| Arc::new(time::now)),
            }),
        })
    }
}

/// Makes rustls' ring provider the process default, unless a provider is installed already
/// (by the application, or by another thread in the meantime: that error is ignored).
///
/// [`ClientBuilder::build`] calls this. Call it yourself before building your own
/// `reqwest::Client` for [`ClientBuilder::http_client`]: reqwest, built here without a
/// default crypto provider, panics when it finds none installed.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// Checks an endpoint URL: absolute `http`/`https` with a host, and no query or fragment
/// (the query carries the system params). The URL itself is not repeated in errors: it
/// could hold credentials.
fn parse_endpoint(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim())
        .map_err(|e| Error::Config(format!("the endpoint is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "the endpoint's scheme is `{}`, expected `https` or `http`",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config("the endpoint has no host".to_owned()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(
            "the endpoint may not have a query or fragment: the system params go in the query"
                .to_owned(),
        ));
    }
    Ok(url)
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let http = match self.http {
            Http::Default => "default",
            Http::Reqwest(_) => "custom reqwest client",
            Http::Custom(_) => "custom transport",
        };
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("app_key", &self.app_key)
            .field("secret", &self.secret)
            .field("sign_method", &self.sign_method)
            .field("format", &self.format)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_body_size", &self.max_body_size)
            .field("retry", &self.retry)
            .field("partner_id", &self.partner_id)
            .field("target_app_key", &self.target_app_key)
            .field("http", &http)
            .field("custom_clock", &self.clock.is_some())
            .finish()
    }
}

/// Per-call options.
///
/// `Debug` redacts the session.
#[derive(Clone, Default)]
pub struct CallOptions {
    session: Option<Secret>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    format: Option<Format>,
    retry: Option<RetryPolicy>,
}

impl CallOptions {
    /// No session; the client's timeout, format and retry policy; no deadline.
    pub fn new() -> Self {
        Self::default()
    }

    /// The user's session (access token), for APIs that need authorisation. It is sent and
    /// signed as the `session` system param.
    pub fn session(mut self, s: impl Into<Secret>) -> Self {
        self.session = Some(s.into());
        self
    }

    /// The timeout of each attempt of this call, instead of the client's.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// A bound on the whole call, retries and the waits between them included: an
    /// attempt's timeout is cut to what is left, and no retry starts that could not begin
    /// before it. An attempt cut short fails with a timeout ([`Error::is_timeout`]); when a
    /// retry is skipped, the last attempt's error is returned.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }

    /// The reply format of this call, instead of the client's.
    pub fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// The retry policy of this call, instead of the client's ([`RetryPolicy::none`] for
    /// exactly one attempt).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("session", &self.session.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("format", &self.format)
            .field("retry", &self.retry)
            .finish()
    }
}

#[cfg(test)]
mod tests {
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
    fn endpoints_are_validated() {
        for ok in [
            PRODUCTION_ENDPOINT,
            "http://gw.api.taobao.com/router/rest",
            "http://127.0.0.1:8080/router/rest",
        ] {
            assert_eq!(parse_endpoint(ok).unwrap().as_str(), ok);
        }
        let cases = [
            ("not a url", "not a valid URL"),
            ("ftp://eco.taobao.com/router/rest", "scheme is `ftp`"),
            (
                "https://eco.taobao.com/router/rest?x=1",
                "query or fragment",
            ),
            ("https://eco.taobao.com/router/rest#f", "query or fragment"),
            ("/router/rest", "not a valid URL"),
        ];
        for (bad, part) in cases {
            let err = Client::builder("k", "s").endpoint(bad).build().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}");
            assert!(err.to_string().contains(part), "{bad}: {err}");
        }
    }

    #[test]
    fn blank_credentials_are_config_errors() {
        let err = Client::builder(" ", "s").build().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid client configuration: the app key is empty"
        );
        let err = Client::builder("k", "").build().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid client configuration: the app secret is empty"
        );
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

    /// The official Java SDK's multipart capture (sign_vectors.json), boundary `788495831173`.
    const JAVA_MULTIPART: &str = "\r\n--788495831173\r\nContent-Disposition:form-data;name=\"robot_sn\"\r\nContent-Type:text/plain\r\n\r\nxxxxx\r\n--788495831173\r\nContent-Disposition:form-data;name=\"image\";filename=\"a.png\"\r\nContent-Type:image/png\r\n\r\nPNGDATA\r\n--788495831173--\r\n";

    fn multipart(text: &[(&'static str, &str)], files: Vec<(&'static str, FileItem)>) -> Body {
        Body::Multipart {
            text: text.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            files,
        }
    }

    #[test]
    fn multipart_bodies_have_the_java_layout() {
        let body = multipart(
            &[("robot_sn", "xxxxx")],
            vec![(
                "image",
                FileItem::new("a.png", "image/png", b"PNGDATA".to_vec()),
            )],
        );
        let (content_type, bytes) = encode_body(body).unwrap();
        let boundary = content_type
            .strip_prefix("multipart/form-data;charset=UTF-8;boundary=")
            .expect("the Java SDK's content type");
        assert_eq!(boundary.len(), 32);
        assert!(
            boundary.bytes().all(|b| b.is_ascii_hexdigit()),
            "{boundary}"
        );
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.replace(boundary, "788495831173"), JAVA_MULTIPART);

        // Random boundaries: two bodies differ.
        let again = encode_body(multipart(&[("a", "b")], vec![])).unwrap().0;
        assert_ne!(again, content_type);

        // Forms pass through untouched.
        let (content_type, bytes) = encode_body(Body::Form("a=1&b=%20".to_owned())).unwrap();
        assert_eq!(content_type, FORM_CONTENT_TYPE);
        assert_eq!(bytes, b"a=1&b=%20");
    }

    #[test]
    fn multipart_names_cannot_inject_headers() {
        let body = multipart(
            &[],
            vec![(
                "image",
                FileItem::new("a\"\r\nX-Evil: 1.png", "image/png", b"x".to_vec()),
            )],
        );
        let (_, bytes) = encode_body(body).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("filename=\"a%22%0D%0AX-Evil: 1.png\"\r\n"),
            "{text}"
        );
        for mime in ["", "image", "/png", "image/png\r\nX-Evil: 1", "imäge/png"] {
            let body = multipart(&[], vec![("image", FileItem::new("a", mime, vec![]))]);
            let err = encode_body(body).unwrap_err();
            assert!(
                matches!(&err, Error::Param(ParamError { param: "image", kind: ParamErrorKind::Encode(m) }) if m.contains("invalid MIME type")),
                "{mime:?}: {err:?}"
            );
        }
        let ok = multipart(
            &[],
            vec![("f", FileItem::new("a", "text/plain; charset=UTF-8", vec![]))],
        );
        assert!(encode_body(ok).is_ok());
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
