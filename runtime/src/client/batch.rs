//! Batch calls: several typed calls, of any APIs, in one HTTP request to TOP's
//! `/router/batch`, each with its own typed reply.
//!
//! ```no_run
//! # async fn run<A, B>(client: topgen_runtime::Client, a: A, b: B) -> Result<(), topgen_runtime::Error>
//! # where A: topgen_runtime::Request, B: topgen_runtime::Request {
//! use topgen_runtime::batch::PartOptions;
//! let mut batch = client.batch();
//! let first = batch.add(&a)?; // params checked here: a bad one fails at once
//! let second = batch.add_with(&b, PartOptions::new().session("the-user-session"))?;
//! let replies = batch.send().await?; // one HTTP call; a whole-batch failure is one error
//! let first_reply = replies.get(&first)?; // typed: `A::Response`
//! let second_reply = replies.get(&second); // each call succeeds or fails on its own
//! # Ok(()) }
//! ```
//!
//! # On the wire (the official SDKs' layout; PROTOCOL.md "Batch calls")
//!
//! - `POST` to the endpoint with `/router/rest` replaced by `/router/batch`; the system params
//!   (`app_key`, `sign_method`, `timestamp`, `v`, `format`, and `session`, `partner_id`,
//!   `target_app_key`, `simplify` when set) in the query, no `method`.
//! - Body `text/plain;charset=utf-8`: when every call is to one API, `#PUBLIC#method=<api>`
//!   and the separator first; then, per call, its form-encoded params (its business params,
//!   then `method` unless public, its own `session` and `target_app_key`), or `N` when it has
//!   none, joined by the separator: `\r\n-S-\r\n`, or a custom one
//!   ([`Batch::separator`]) announced in the header `top-api-separator`.
//! - `sign`: the sorted system params as for a single call, with the whole body appended.
//! - The reply: one complete single-call reply per call, joined by the separator. When the
//!   count differs, the batch failed as a whole and the first part is its error.
//!
//! # Checks and retries
//!
//! Each call's params are checked when it is added ([`Batch::add`] returns the
//! [`Error::Param`]); calls with a file (`FileItem`) are refused there, TOP takes no upload
//! in a batch; a call to an API that needs a session without one (its own or the batch's)
//! fails [`Batch::send`] with [`Error::MissingSession`] before anything is sent.
//!
//! Only a failure of the whole batch that cannot have run any of its calls is retried, as the
//! [`RetryPolicy`](crate::RetryPolicy) says: a connection that could not be made, and TOP's
//! whole-batch error (a batch TOP refused, e.g. a call limit or `isp.*`). An HTTP 5xx, a
//! timeout after sending or a call's own error is never retried: some calls may have run.

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::IgnoredAny;
use tracing::Instrument;

use super::exchange::{Outgoing, ReplyMeta, Shape};
use super::{CallOptions, Client, scrub_error};
use crate::error::{Error, ParamError, ParamErrorKind};
use crate::format::Format;
use crate::params::Params;
use crate::prepare::{CallContext, SignedQuery, encode_pairs_after};
use crate::redact::Known;
use crate::request::Request;
use crate::response::decode_reply_in;
use crate::secret::Secret;
use crate::sign::is_blank;
use crate::{DateTime, time};

/// The default separator of a batch's calls and replies.
pub const DEFAULT_SEPARATOR: &str = "\r\n-S-\r\n";

/// The header that announces a custom separator.
pub const SEPARATOR_HEADER: &str = "top-api-separator";

/// The `Content-Type` of a batch's body.
pub const CONTENT_TYPE: &str = "text/plain;charset=utf-8";

/// What opens the part of params shared by every call.
pub const PUBLIC_MARKER: &str = "#PUBLIC#";

/// Tells handles of one batch from those of another.
static NEXT_BATCH_ID: AtomicU64 = AtomicU64::new(1);

/// Per-call options inside a batch: what the call sends besides its params.
///
/// `Debug` redacts the session.
#[derive(Clone, Default)]
pub struct PartOptions {
    session: Option<Secret>,
    target_app_key: Option<String>,
}

impl PartOptions {
    /// No session of its own (the batch's applies), no `target_app_key`.
    pub fn new() -> Self {
        Self::default()
    }

    /// This call's user session, sent in its part of the body.
    pub fn session(mut self, session: impl Into<Secret>) -> Self {
        self.session = Some(session.into());
        self
    }

    /// This call's `target_app_key`, sent in its part of the body.
    pub fn target_app_key(mut self, key: impl Into<String>) -> Self {
        self.target_app_key = Some(key.into());
        self
    }
}

impl fmt::Debug for PartOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartOptions")
            .field("session", &self.session.as_ref().map(|_| "***"))
            .field("target_app_key", &self.target_app_key)
            .finish()
    }
}

/// One call of a batch, checked and encoded.
struct Part {
    method: &'static str,
    response_key: &'static str,
    requires_session: bool,
    params: Params,
    session: Option<Secret>,
    target_app_key: Option<String>,
}

/// A batch being built: see the [module docs](self). Made by [`Client::batch`].
///
/// `Debug` shows the calls' APIs, never their params or sessions.
pub struct Batch<'c> {
    client: &'c Client,
    id: u64,
    options: CallOptions,
    separator: Option<String>,
    parts: Vec<Part>,
}

/// Where the typed reply of one call of a batch will be: returned by [`Batch::add`], given
/// to [`BatchReplies::get`], which decodes the reply as `R::Response`.
pub struct Handle<R> {
    batch: u64,
    index: usize,
    request: PhantomData<fn() -> R>,
}

impl<R> Clone for Handle<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Handle<R> {}

impl<R> Handle<R> {
    /// The call's position in its batch, from 0.
    pub fn index(&self) -> usize {
        self.index
    }
}

impl<R> fmt::Debug for Handle<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("batch", &self.batch)
            .field("index", &self.index)
            .finish()
    }
}

/// A batch encoded and signed, not sent: what [`Batch::prepare`] gives (for tests and
/// diagnosis).
///
/// `Debug` redacts the session and the sign and shows the body's length only.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedBatch {
    /// The system params, `sign` last (as [`crate::PreparedRequest::query`], without
    /// `method`).
    pub query: Vec<(&'static str, String)>,
    /// The body's text.
    pub body: String,
    /// The headers besides `Accept`: `top-api-separator` for a custom separator.
    pub headers: Vec<(String, String)>,
}

impl PreparedBatch {
    /// The value of a system param in [`PreparedBatch::query`].
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for PreparedBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.query.iter().map(|(k, _)| *k).collect();
        f.debug_struct("PreparedBatch")
            .field("query", &names)
            .field("body", &format_args!("{} bytes", self.body.len()))
            .field("headers", &self.headers)
            .finish()
    }
}

impl Client {
    /// Starts a batch of calls sent as one HTTP request: see [`crate::batch`].
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            client: self,
            id: NEXT_BATCH_ID.fetch_add(1, Ordering::Relaxed),
            options: CallOptions::new(),
            separator: None,
            parts: Vec::new(),
        }
    }
}

impl<'c> Batch<'c> {
    /// The batch's options: its `session` (the system param, for every call that has none of
    /// its own), format, timeout, deadline and retry policy.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// A custom separator, announced in the header `top-api-separator` (instead of
    /// `\r\n-S-\r\n`). It must be printable ASCII (it goes in a header) and occur in no
    /// call's params, or [`Batch::send`] fails with [`Error::Config`].
    pub fn separator(mut self, separator: impl Into<String>) -> Self {
        self.separator = Some(separator.into());
        self
    }

    /// How many calls the batch has.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether the batch has no call yet.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Adds `request`, with no options of its own; see [`Batch::add_with`].
    pub fn add<R: Request>(&mut self, request: &R) -> Result<Handle<R>, Error> {
        self.add_with(request, PartOptions::new())
    }

    /// Adds `request` with its own `options`, checking its params now: a param over the
    /// API's limits is [`Error::Param`], and so is a file param (TOP takes no upload in a
    /// batch). Nothing is added then.
    pub fn add_with<R: Request>(
        &mut self,
        request: &R,
        options: PartOptions,
    ) -> Result<Handle<R>, Error> {
        let mut params = Params::new();
        request.encode(&mut params)?;
        if let Some((name, _)) = params.files().first() {
            return Err(Error::Param(ParamError {
                param: name,
                kind: ParamErrorKind::Encode(format!(
                    "`{}` uploads a file, and a batch call cannot carry files: call it on its own",
                    R::METHOD
                )),
            }));
        }
        let index = self.parts.len();
        self.parts.push(Part {
            method: R::METHOD,
            response_key: R::RESPONSE_KEY,
            requires_session: R::REQUIRES_SESSION,
            params,
            session: options.session.filter(|s| !is_blank(s.expose_secret())),
            target_app_key: options.target_app_key.filter(|k| !is_blank(k)),
        });
        Ok(Handle {
            batch: self.id,
            index,
            request: PhantomData,
        })
    }

    /// Encodes and signs the batch at `timestamp` without sending it: exactly what one
    /// attempt of [`Batch::send`] would send then.
    pub fn prepare(&self, timestamp: &DateTime) -> Result<PreparedBatch, Error> {
        self.check()?;
        let format = self.format();
        let ctx = self.context(format, timestamp);
        let separator = self.separator_text();
        let body = batch_body(&self.parts, separator);
        let signed = SignedQuery::signed(&ctx, std::iter::empty(), Some(&body));
        Ok(PreparedBatch {
            query: signed.pairs().map(|(k, v)| (k, v.to_owned())).collect(),
            body,
            headers: self.headers(),
        })
    }

    /// Sends the batch as one HTTP request; see [`Batch::send_with_meta`].
    pub async fn send(self) -> Result<BatchReplies, Error> {
        self.send_with_meta().await.map(|(replies, _)| replies)
    }

    /// Sends the batch as one HTTP request and gives its replies, one per call in order, with
    /// the HTTP reply's [`ReplyMeta`]. A failure of the whole batch (nothing sent because of a
    /// check, an HTTP or transport error, TOP's whole-batch error) is the one `Err`; each
    /// call's own TOP error is in its reply ([`BatchReplies::get`]).
    pub async fn send_with_meta(self) -> Result<(BatchReplies, ReplyMeta), Error> {
        self.check()?;
        let span = tracing::info_span!("top.batch", calls = self.parts.len());
        let (result, meta) = self.exchange().instrument(span).await;
        result.map(|replies| (replies, meta))
    }

    async fn exchange(self) -> (Result<BatchReplies, Error>, ReplyMeta) {
        let client = self.client;
        let inner = &*client.inner;
        let format = self.format();
        let separator = self.separator_text().to_owned();
        let body = batch_body(&self.parts, &separator);
        let url_base = match batch_endpoint(inner.endpoint.as_str()) {
            Ok(url) => url,
            Err(e) => return (Err(e), ReplyMeta::default()),
        };
        let headers = self.headers();
        // The last attempt's sign (a Mutex, not a RefCell: the call's future must be `Send`).
        let sign = std::sync::Mutex::new(String::new());
        let build = || {
            let timestamp = (inner.clock)();
            let ctx = self.context(format, &timestamp);
            let signed = SignedQuery::signed(&ctx, std::iter::empty(), Some(&body));
            *sign
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = signed.sign().to_owned();
            let mut prefix = url_base.clone();
            prefix.push('?');
            Ok(Outgoing {
                url: encode_pairs_after(&prefix, signed.pairs()),
                content_type: CONTENT_TYPE.to_owned(),
                body: body.clone().into_bytes(),
                headers: headers.clone(),
            })
        };
        let sessions: Vec<&Secret> = self
            .options
            .session
            .iter()
            .chain(self.parts.iter().filter_map(|p| p.session.as_ref()))
            .collect();
        let scrub = |error: Error, url: &str| {
            let sign = sign
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            scrub_all(error, url, &sign, &sessions, &inner.secret)
        };
        let first = &self.parts[0];
        let count = self.parts.len();
        let decode = |response: &crate::HttpResponse| {
            split_reply(format, response, &separator, count, first.response_key)
        };
        // Only what the whole batch was refused for, before any call ran.
        let may_retry = |error: &Error| matches!(error, Error::Top(_) | Error::Transport { .. });
        // The client's rate limit counts each call of the batch, as TOP does.
        let methods: Vec<&str> = self.parts.iter().map(|p| p.method).collect();
        let shape = Shape {
            options: &self.options,
            methods: &methods,
            meta: true,
        };
        let (result, meta) = client
            .exchange(shape, build, decode, scrub, may_retry)
            .await;
        let replies = result.map(|(status, parts)| BatchReplies {
            batch: self.id,
            format,
            status,
            replies: parts
                .into_iter()
                .zip(&self.parts)
                .map(|(text, part)| PartReply {
                    method: part.method,
                    response_key: part.response_key,
                    text,
                })
                .collect(),
            known: KnownSecrets {
                sign: Secret::from(
                    sign.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .clone(),
                ),
                app_secret: inner.secret.clone(),
                sessions: sessions.into_iter().cloned().collect(),
            },
        });
        (replies, meta)
    }

    /// The checks made before sending (each call's params were checked when added).
    fn check(&self) -> Result<(), Error> {
        if self.parts.is_empty() {
            return Err(Error::Config(
                "a batch needs at least one call: add one before sending".to_owned(),
            ));
        }
        let batch_session = self
            .options
            .session
            .as_ref()
            .is_some_and(|s| !is_blank(s.expose_secret()));
        if let Some(part) = self
            .parts
            .iter()
            .find(|p| p.requires_session && p.session.is_none() && !batch_session)
        {
            return Err(Error::MissingSession {
                method: part.method,
            });
        }
        if let Some(separator) = &self.separator {
            if separator.is_empty() || !separator.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                return Err(Error::Config(
                    "a batch separator must be non-empty printable ASCII (it is sent in the header `top-api-separator`)".to_owned(),
                ));
            }
            let body = batch_body(&self.parts, DEFAULT_SEPARATOR);
            if body
                .split(DEFAULT_SEPARATOR)
                .any(|p| p.contains(separator.as_str()))
            {
                return Err(Error::Config(format!(
                    "the batch separator `{separator}` occurs in a call's params: choose another"
                )));
            }
        }
        Ok(())
    }

    fn format(&self) -> Format {
        self.options.format.unwrap_or(self.client.inner.format)
    }

    fn separator_text(&self) -> &str {
        self.separator.as_deref().unwrap_or(DEFAULT_SEPARATOR)
    }

    fn headers(&self) -> Vec<(String, String)> {
        self.separator
            .iter()
            .map(|s| (SEPARATOR_HEADER.to_owned(), s.clone()))
            .collect()
    }

    fn context<'a>(&'a self, format: Format, timestamp: &DateTime) -> CallContext<'a> {
        let inner = &*self.client.inner;
        CallContext {
            method: "",
            app_key: &inner.app_key,
            secret: &inner.secret,
            sign_method: inner.sign_method,
            timestamp: time::format(timestamp),
            session: self
                .options
                .session
                .as_ref()
                .filter(|s| !is_blank(s.expose_secret())),
            partner_id: inner.partner_id.as_deref(),
            target_app_key: inner.target_app_key.as_deref(),
            format,
        }
    }
}

impl fmt::Debug for Batch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let methods: Vec<&str> = self.parts.iter().map(|p| p.method).collect();
        f.debug_struct("Batch")
            .field("calls", &methods)
            .field("options", &self.options)
            .field("separator", &self.separator)
            .finish()
    }
}

/// The body of a batch of `parts` (see the [module docs](self)).
fn batch_body(parts: &[Part], separator: &str) -> String {
    let public = parts
        .first()
        .map(|p| p.method)
        .filter(|m| parts.iter().all(|p| p.method == *m));
    let mut body = String::new();
    if let Some(method) = public {
        body = encode_pairs_after(PUBLIC_MARKER, std::iter::once(("method", method)));
        body.push_str(separator);
    }
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            body.push_str(separator);
        }
        let own = [
            ("method", (public.is_none()).then_some(part.method)),
            ("session", part.session.as_ref().map(Secret::expose_secret)),
            ("target_app_key", part.target_app_key.as_deref()),
        ];
        let pairs = part
            .params
            .text()
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .chain(own.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
        let encoded = encode_pairs_after("", pairs);
        if encoded.is_empty() {
            body.push('N');
        } else {
            body.push_str(&encoded);
        }
    }
    body
}

/// The batch URL of a REST endpoint: its `/router/rest` path made `/router/batch`.
fn batch_endpoint(endpoint: &str) -> Result<String, Error> {
    endpoint
        .strip_suffix("/router/rest")
        .map(|base| format!("{base}/router/batch"))
        .ok_or_else(|| {
            Error::Config(format!(
                "batch calls need an endpoint ending in `/router/rest` (its `/router/batch` is where batches go); this one is `{endpoint}`"
            ))
        })
}

/// The reply split into its parts, or the whole batch's error.
fn split_reply(
    format: Format,
    response: &crate::HttpResponse,
    separator: &str,
    count: usize,
    first_key: &str,
) -> Result<(u16, Vec<String>), Error> {
    let status = response.status;
    if !(200..300).contains(&status) {
        return Err(
            decode_reply_in::<IgnoredAny>(format, &response.body, first_key, status)
                .err()
                .unwrap_or_else(|| Error::Status {
                    status,
                    body_prefix: crate::response::redact_body_prefix(&response.body),
                }),
        );
    }
    let text = std::str::from_utf8(&response.body).map_err(|e| Error::Decode {
        message: format!(
            "the batch reply is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ),
        status,
        body_prefix: crate::response::redact_body_prefix(&response.body),
    })?;
    let parts: Vec<&str> = text.split(separator).collect();
    if parts.len() == count {
        return Ok((status, parts.into_iter().map(str::to_owned).collect()));
    }
    // The whole batch failed: the first part is its error.
    let first = parts.first().copied().unwrap_or_default();
    Err(
        match decode_reply_in::<IgnoredAny>(format, first.as_bytes(), first_key, status) {
            Err(e @ Error::Top(_)) => e,
            _ => Error::Decode {
                message: format!(
                    "the batch reply has {} parts for {count} calls and no TOP error",
                    parts.len()
                ),
                status,
                body_prefix: crate::response::redact_body_prefix(&response.body),
            },
        },
    )
}

/// `error` without the URL, the sign, the sessions and the app secret.
fn scrub_all(
    error: Error,
    url: &str,
    sign: &str,
    sessions: &[&Secret],
    app_secret: &Secret,
) -> Error {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let mut error = scrub_error(
        error,
        &Known {
            wholes: [url, query],
            values: [sign, "", app_secret.expose_secret()],
        },
    );
    for session in sessions {
        error = scrub_error(
            error,
            &Known {
                wholes: ["", ""],
                values: [session.expose_secret(), "", ""],
            },
        );
    }
    error
}

/// What the replies' errors must not quote.
struct KnownSecrets {
    sign: Secret,
    app_secret: Secret,
    sessions: Vec<Secret>,
}

/// One call's reply text, decoded on demand.
struct PartReply {
    method: &'static str,
    response_key: &'static str,
    text: String,
}

/// The replies of a sent batch, one per call in the order added; each is decoded as its
/// request's `Response` by [`BatchReplies::get`].
///
/// `Debug` shows the calls' APIs only.
pub struct BatchReplies {
    batch: u64,
    format: Format,
    status: u16,
    replies: Vec<PartReply>,
    known: KnownSecrets,
}

impl BatchReplies {
    /// How many replies there are: one per call.
    pub fn len(&self) -> usize {
        self.replies.len()
    }

    /// Whether there are none (never, for a sent batch).
    pub fn is_empty(&self) -> bool {
        self.replies.is_empty()
    }

    /// The reply of the call `handle` stands for, decoded as `R::Response` (each time it is
    /// asked for): TOP's error for that call is [`Error::Top`], a part that does not decode
    /// [`Error::Decode`]. A handle of another batch is [`Error::Config`].
    pub fn get<R: Request>(&self, handle: &Handle<R>) -> Result<R::Response, Error> {
        let part = self
            .replies
            .get(handle.index)
            .filter(|p| handle.batch == self.batch && p.method == R::METHOD)
            .ok_or_else(|| {
                Error::Config(format!(
                    "the handle of call {} (`{}`) belongs to another batch",
                    handle.index,
                    R::METHOD
                ))
            })?;
        decode_reply_in(
            self.format,
            part.text.as_bytes(),
            part.response_key,
            self.status,
        )
        .map_err(|e| {
            let sessions: Vec<&Secret> = self.known.sessions.iter().collect();
            scrub_all(
                e,
                "",
                self.known.sign.expose_secret(),
                &sessions,
                &self.known.app_secret,
            )
        })
    }

    /// The reply text of call `index` as TOP sent it (it may hold secrets of the reply), or
    /// `None` past the last call.
    pub fn text(&self, index: usize) -> Option<&str> {
        self.replies.get(index).map(|p| p.text.as_str())
    }
}

impl fmt::Debug for BatchReplies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let methods: Vec<&str> = self.replies.iter().map(|p| p.method).collect();
        f.debug_struct("BatchReplies")
            .field("calls", &methods)
            .field("format", &self.format)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
