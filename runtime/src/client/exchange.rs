//! The attempts of a call that is not one typed [`Request`](crate::Request): a batch
//! ([`super::batch`]) or a raw call ([`super::raw`]), and the typed calls that report their
//! [`ReplyMeta`]. The same timeouts, body limit, [`RetryPolicy`](crate::RetryPolicy) and
//! deadline as [`Client::execute_with`], with what the caller says may be retried.

use std::time::{Duration, Instant};

use tracing::Instrument;

use super::{CallOptions, Client, find_request_id};
use crate::error::Error;
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

impl Client {
    /// Sends what `build` makes, decodes the reply with `decode`, and tries again as the
    /// call's retry policy says, for the errors `may_retry` allows. `scrub` removes what the
    /// attempt's request knows (URL, sign, sessions) from an error.
    pub(super) async fn exchange<T>(
        &self,
        options: &CallOptions,
        mut build: impl FnMut() -> Result<Outgoing, Error>,
        decode: impl Fn(&HttpResponse) -> Result<T, Error>,
        scrub: impl Fn(Error, &Outgoing) -> Error,
        may_retry: impl Fn(&Error) -> bool,
    ) -> (Result<T, Error>, ReplyMeta) {
        let inner = &*self.inner;
        let policy = options.retry.as_ref().unwrap_or(&inner.retry);
        let started = Instant::now();
        let deadline = options.deadline.and_then(|d| started.checked_add(d));
        let mut meta = ReplyMeta::default();
        let mut attempt: u32 = 1;
        // Bounded: `decide_with` gives up once `attempt` reaches the policy's maximum.
        loop {
            meta.attempts = attempt;
            let span = tracing::debug_span!("top.attempt", attempt);
            let result = self
                .exchange_once(options, deadline, &mut build, &decode, &scrub, &mut meta)
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
            if let (Some(delay), Some(deadline)) = (decision, deadline)
                && Instant::now()
                    .checked_add(delay)
                    .is_none_or(|at| at >= deadline)
            {
                decision = None;
            }
            span.in_scope(|| {
                let top = error.top();
                tracing::info!(
                    attempt,
                    status = meta.status,
                    request_id = meta.request_id.as_deref(),
                    code = top.map(|e| e.code),
                    sub_code = top.and_then(|e| e.sub_code.as_deref()),
                    error = %error,
                    retry = decision.is_some(),
                    "TOP call failed"
                );
            });
            let Some(delay) = decision else {
                meta.elapsed = started.elapsed();
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
        options: &CallOptions,
        deadline: Option<Instant>,
        build: &mut impl FnMut() -> Result<Outgoing, Error>,
        decode: &impl Fn(&HttpResponse) -> Result<T, Error>,
        scrub: &impl Fn(Error, &Outgoing) -> Error,
        meta: &mut ReplyMeta,
    ) -> Result<T, Error> {
        let inner = &*self.inner;
        meta.status = None;
        meta.request_id = None;
        meta.headers.clear();
        let outgoing = build()?;
        let mut timeout = options.timeout.unwrap_or(inner.timeout);
        if let Some(deadline) = deadline {
            timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
        }
        let limit = inner.max_body_size;
        let mut headers = vec![("Accept".to_owned(), super::ACCEPT.to_owned())];
        headers.extend(outgoing.headers.iter().cloned());
        let request = HttpRequest {
            url: outgoing.url.clone(),
            content_type: outgoing.content_type.clone(),
            body: outgoing.body.clone(),
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
                    _ => scrub(Error::Transport { source: e }, &outgoing),
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
        meta.headers = response.headers.clone();
        if response.body.len() > limit {
            return Err(Error::BodyTooLarge {
                limit,
                status: response.status,
            });
        }
        meta.request_id = find_request_id(&response.body);
        decode(&response).map_err(|e| scrub(e, &outgoing))
    }
}
