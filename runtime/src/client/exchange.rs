//! The attempts of every call — typed ([`Client::execute_with`], with or without its
//! [`ReplyMeta`]), raw ([`super::raw`]) or a batch ([`super::batch`]): the client's rate limit,
//! each attempt signed anew, the timeouts, the body limit, the [`RetryPolicy`](crate::RetryPolicy)
//! within the call's deadline (with what the caller says may be retried), and a call limit
//! that cannot be waited out turned into [`Error::CallLimited`].

use std::time::{Duration, Instant};

use tracing::Instrument;

use super::{CallOptions, Client, find_request_id};
use crate::error::Error;
use crate::limits;
use crate::retry::jitter_sample;
use crate::transport::{
    HttpRequest, HttpResponse, TransportError, TransportErrorKind, with_timeout,
};

/// What a call's reply was, besides its content: for diagnosis and support tickets.
///
/// `Debug` shows every field; the headers are the reply's, which hold no secret of the
/// call (the session and the sign are only in the request).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplyMeta {
    /// TOP's `request_id` of the last attempt's reply (from its end, where TOP writes it),
    /// when it had one.
    pub request_id: Option<String>,
    /// The HTTP status of the last attempt, if a reply came.
    pub status: Option<u16>,
    /// The last reply's headers (names in lowercase), as the transport gave them.
    pub headers: Vec<(String, String)>,
    /// How many attempts were made (1 when the first one settled the call).
    pub attempts: u32,
    /// The time from the first attempt's start to the end, waits between attempts included.
    pub elapsed: Duration,
}

impl ReplyMeta {
    /// The value of the reply's header `name` (compared without regard to case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One attempt's request, built anew (and signed at a fresh timestamp) for each attempt.
pub(super) struct Outgoing {
    /// The URL, system params and sign in the query.
    pub(super) url: String,
    /// The body's `Content-Type`.
    pub(super) content_type: String,
    /// The body.
    pub(super) body: Vec<u8>,
    /// Headers besides `Accept`.
    pub(super) headers: Vec<(String, String)>,
}

/// What a call is, for [`Client::exchange`].
pub(super) struct Shape<'a> {
    /// The call's options (retry policy, deadline, timeout).
    pub(super) options: &'a CallOptions,
    /// The APIs it calls, for the client's rate limit: one, or a batch's.
    pub(super) methods: &'a [&'a str],
    /// Whether the caller wants the reply's headers and request id (else only the log's).
    pub(super) meta: bool,
}

impl Client {
    /// Sends what `build` makes, decodes the reply with `decode`, and tries again as the
    /// call's retry policy says, for the errors `may_retry` allows. `scrub` removes what the
    /// attempt's request knows (the URL given, the sign, sessions) from an error.
    pub(super) async fn exchange<T>(
        &self,
        shape: Shape<'_>,
        mut build: impl FnMut() -> Result<Outgoing, Error>,
        decode: impl Fn(&HttpResponse) -> Result<T, Error>,
        scrub: impl Fn(Error, &str) -> Error,
        may_retry: impl Fn(&Error) -> bool,
    ) -> (Result<T, Error>, ReplyMeta) {
        let inner = &*self.inner;
        let options = shape.options;
        let policy = options.retry.as_ref().unwrap_or(&inner.retry);
        let started = Instant::now();
        // A deadline too far away to represent is no deadline.
        let deadline = options.deadline.and_then(|d| started.checked_add(d));
        let mut meta = ReplyMeta::default();
        let mut attempt: u32 = 1;
        // Bounded: `decide_with` gives up once `attempt` reaches the policy's maximum (at
        // most `RetryPolicy::MAX_ATTEMPTS`).
        loop {
            meta.attempts = attempt;
            let span = tracing::debug_span!("top.attempt", attempt);
            if let Some(limiter) = &inner.limiter {
                for method in shape.methods {
                    let acquired = limiter
                        .acquire(method, deadline, inner.transport.as_ref())
                        .instrument(span.clone())
                        .await;
                    if let Err(e) = acquired {
                        meta.elapsed = started.elapsed();
                        return (Err(e), meta);
                    }
                }
            }
            let result = self
                .exchange_once(&shape, deadline, &mut build, &decode, &scrub, &mut meta)
                .instrument(span.clone())
                .await;
            let error = match result {
                Ok(value) => {
                    span.in_scope(|| {
                        tracing::debug!(
                            attempt,
                            status = meta.status,
                            request_id = meta.request_id.as_deref(),
                            "TOP call succeeded"
                        );
                    });
                    meta.elapsed = started.elapsed();
                    return (Ok(value), meta);
                }
                Err(error) => error,
            };
            let mut decision = if may_retry(&error) {
                policy.decide_with(&error, attempt, jitter_sample())
            } else {
                None
            };
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
                    .or(meta.request_id.as_deref());
                let delay_ms = decision.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
                tracing::info!(
                    attempt,
                    status = meta.status,
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
                meta.elapsed = started.elapsed();
                let error = match error {
                    // Says when to try again.
                    Error::Top(top) if top.is_call_limit() => {
                        let ban = limits::ban_of(&top, policy);
                        limits::banned(top, ban)
                    }
                    other => other,
                };
                return (Err(error), meta);
            };
            if !delay.is_zero() {
                inner.transport.sleep(delay).await;
            }
            attempt = attempt.saturating_add(1);
        }
    }

    /// One attempt of [`Client::exchange`]; records the reply's status, headers and
    /// request id in `meta`.
    async fn exchange_once<T>(
        &self,
        shape: &Shape<'_>,
        deadline: Option<Instant>,
        build: &mut impl FnMut() -> Result<Outgoing, Error>,
        decode: &impl Fn(&HttpResponse) -> Result<T, Error>,
        scrub: &impl Fn(Error, &str) -> Error,
        meta: &mut ReplyMeta,
    ) -> Result<T, Error> {
        let inner = &*self.inner;
        let (options, want_meta) = (shape.options, shape.meta);
        meta.status = None;
        meta.request_id = None;
        meta.headers.clear();
        let Outgoing {
            url,
            content_type,
            body,
            headers: extra,
        } = build()?;
        let mut timeout = options.timeout.unwrap_or(inner.timeout);
        if let Some(deadline) = deadline {
            timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
        }
        let limit = inner.max_body_size;
        let mut headers = Vec::with_capacity(1 + extra.len());
        headers.push(("Accept".to_owned(), super::ACCEPT.to_owned()));
        headers.extend(extra);
        // The URL is kept for scrubbing errors; the body (an upload, perhaps) moves.
        let request = HttpRequest {
            url: url.clone(),
            content_type,
            body,
            connect_timeout: inner.connect_timeout.min(timeout),
            timeout,
            max_body_size: limit,
            headers,
        };
        let sent = with_timeout(
            inner.transport.send(request),
            inner.transport.sleep(timeout),
        )
        .await;
        let response = match sent {
            Some(Ok(response)) => response,
            Some(Err(e)) => {
                return Err(match e.kind() {
                    TransportErrorKind::BodyTooLarge { limit, status } => {
                        meta.status = Some(status);
                        Error::BodyTooLarge { limit, status }
                    }
                    _ => scrub(Error::Transport { source: e }, &url),
                });
            }
            None => {
                return Err(Error::Transport {
                    source: TransportError::timeout(format!(
                        "no complete reply within {} ms",
                        timeout.as_millis()
                    )),
                });
            }
        };
        meta.status = Some(response.status);
        if want_meta {
            meta.headers = response.headers.clone();
        }
        if response.body.len() > limit {
            return Err(Error::BodyTooLarge {
                limit,
                status: response.status,
            });
        }
        // Only the log reports it otherwise: looked for only when the log would show it.
        if want_meta || tracing::enabled!(tracing::Level::INFO) {
            meta.request_id = find_request_id(&response.body);
        }
        decode(&response).map_err(|e| scrub(e, &url))
    }
}
