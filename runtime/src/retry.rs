//! When a failed call is tried again: [`RetryPolicy`].
//!
//! | reply or failure | retried? | delay before the next attempt |
//! |---|---|---|
//! | TOP error with an `isp.*` sub code, or code 10 | yes | backoff |
//! | TOP call limit: code 7 or 8, `accesscontrol.*`, `isv.app-call-limited` | yes, if the ban ends before the deadline and within `max_ban_wait` | the ban its `sub_msg` states, exactly (else the rate-limit delay) |
//! | TOP error with an `isv.*` sub code, or any other code | no | |
//! | HTTP 5xx without a TOP error body | yes | backoff |
//! | other non-2xx status without a TOP error body | no | |
//! | no connection (refused, unreachable, DNS, TLS, connect timeout) | yes | backoff |
//! | timeout after the request was sent, reset mid-reply… | **no** | |
//! | a 2xx body that does not decode, a body over the size limit | no | |
//! | param, session and configuration errors (nothing was sent) | no | |
//!
//! Backoff: `base_delay × 2^(attempt − 1)`, capped at `max_delay`, then shortened by a random
//! part of up to `jitter` of it (so clients that failed together do not retry together).
//!
//! A call that timed out after it was sent is **not** retried: TOP may have received and
//! executed it (a trade update, a message send…), and TOP calls are not idempotent in
//! general. Check [`Error::is_timeout`](crate::Error::is_timeout) and retry yourself the calls
//! you know are safe to repeat.
//!
//! A call limit that is not retried (the ban ends past the deadline or `max_ban_wait`, or no
//! attempt is left) fails with [`Error::CallLimited`], which says when to try again (see
//! [`crate::limits`]).
//!
//! Every attempt is encoded and signed anew, with a fresh timestamp.

use std::time::Duration;

use crate::error::{Error, RetryClass};
use crate::limits::ban_of;

/// How many times, and after which delays, a failed call is tried again. See the
/// [module docs](self) for what is retried.
///
/// `Default` is like the official SDK: platform (`isp.*`) errors are tried 3 more times,
/// about 100 ms apart (100, 200, 400 ms, less up to 20 % jitter); call limits (codes 7, 8)
/// after the ban their `sub_msg` states (1 s when it states none), if it ends within 60 s.
/// [`RetryPolicy::none`] turns retries off.
///
/// ```
/// use std::time::Duration;
/// use topgen_runtime::RetryPolicy;
/// let policy = RetryPolicy::default()
///     .with_max_attempts(3)
///     .with_base_delay(Duration::from_millis(50))
///     .with_rate_limit_delay(Duration::from_secs(2));
/// assert_eq!(policy.max_attempts(), 3);
/// assert_eq!(RetryPolicy::none().max_attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    rate_limit_delay: Duration,
    max_ban_wait: Duration,
    jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            rate_limit_delay: Duration::from_secs(1),
            max_ban_wait: Duration::from_secs(60),
            jitter: 0.2,
        }
    }
}

impl RetryPolicy {
    /// The most attempts a policy allows: [`RetryPolicy::with_max_attempts`] clamps to it.
    pub const MAX_ATTEMPTS: u32 = 10;

    /// One attempt, no retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Attempts in all, the first included: `1` means no retry. Clamped to
    /// `1..=`[`RetryPolicy::MAX_ATTEMPTS`].
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.clamp(1, Self::MAX_ATTEMPTS);
        self
    }

    /// The delay before the first retry; it doubles for each further one.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff delay.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The delay after a call limit (codes 7, 8) whose `sub_msg` does not say how long the
    /// ban lasts (when it does, the ban is waited instead), exact: neither backed off, capped
    /// nor jittered.
    pub fn with_rate_limit_delay(mut self, delay: Duration) -> Self {
        self.rate_limit_delay = delay;
        self
    }

    /// The longest ban waited out before a retry (default 60 s): a call limit with a longer
    /// ban fails at once with [`Error::CallLimited`], as it does when the ban ends past the
    /// call's deadline.
    pub fn with_max_ban_wait(mut self, wait: Duration) -> Self {
        self.max_ban_wait = wait;
        self
    }

    /// The largest part of a backoff delay taken off at random, from `0.0` (none) to `1.0`
    /// (anywhere between zero and the delay). Clamped to that range; NaN is `0.0`.
    pub fn with_jitter(mut self, fraction: f64) -> Self {
        self.jitter = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay before the first retry.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest backoff delay.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The delay after a call limit.
    pub fn rate_limit_delay(&self) -> Duration {
        self.rate_limit_delay
    }

    /// The longest ban waited out before a retry.
    pub fn max_ban_wait(&self) -> Duration {
        self.max_ban_wait
    }

    /// The jitter fraction.
    pub fn jitter(&self) -> f64 {
        self.jitter
    }

    /// Whether `error`, from attempt number `attempt` (the first is 1), is tried again, and
    /// after how long at most: `None` means give up. The backoff delay is the one before
    /// jitter; [`RetryPolicy::decide_with`] applies it.
    pub fn decide(&self, error: &Error, attempt: u32) -> Option<Duration> {
        self.decide_with(error, attempt, 0.0)
    }

    /// [`RetryPolicy::decide`], with jitter: a backoff delay `d` becomes
    /// `d × (1 − jitter × sample)`, `sample` being uniform in `[0, 1)` (clamped there). The
    /// rate-limit delay is never jittered.
    ///
    /// A call limit waits its ban ([`crate::limits::ban_duration`] of its `sub_msg`, else
    /// the rate-limit delay), never less; `None` if the ban is longer than
    /// [`RetryPolicy::max_ban_wait`].
    pub fn decide_with(&self, error: &Error, attempt: u32, sample: f64) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        match retry_kind(error)? {
            Kind::RateLimited => {
                let ban = error
                    .top()
                    .map_or(self.rate_limit_delay, |e| ban_of(e, self));
                (ban <= self.max_ban_wait).then_some(ban)
            }
            Kind::Backoff => {
                let delay = self.backoff(attempt);
                let sample = if sample.is_nan() {
                    0.0
                } else {
                    sample.clamp(0.0, 1.0)
                };
                Some(delay.mul_f64(1.0 - self.jitter * sample))
            }
        }
    }

    /// The backoff delay after attempt `attempt` (the first is 1), before jitter:
    /// `base_delay × 2^(attempt − 1)`, capped at `max_delay`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.base_delay
            .checked_mul(1u32 << doublings)
            .unwrap_or(Duration::MAX)
            .min(self.max_delay)
    }
}

enum Kind {
    Backoff,
    RateLimited,
}

/// Whether `error` is worth another attempt at all (see the module docs' table).
fn retry_kind(error: &Error) -> Option<Kind> {
    match error {
        Error::Top(e) => match e.retry_class() {
            RetryClass::Immediately => Some(Kind::Backoff),
            RetryClass::AfterDelay => Some(Kind::RateLimited),
            RetryClass::Never => None,
        },
        Error::Transport { source } if !source.may_have_reached_server() => {
            // Nothing reached the server, but a request that cannot be built will not build
            // the next time either.
            source.is_connect().then_some(Kind::Backoff)
        }
        Error::Status { status, .. } if (500..600).contains(status) => Some(Kind::Backoff),
        // Already decided: its wait is the caller's.
        Error::CallLimited(_) => None,
        _ => None,
    }
}

/// A number uniform in `[0, 1)`: enough for jitter.
#[doc(hidden)]
pub fn jitter_sample() -> f64 {
    // The top 53 bits, as a fraction of 2^53.
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// 64 unpredictable bits from the standard library's randomly keyed hasher (keys are drawn
/// from the OS), without a random-number dependency. Not for cryptography.
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TopError;
    use crate::transport::{TransportError, TransportErrorKind};

    fn top(code: i64, sub_code: Option<&str>) -> Error {
        Error::Top(TopError {
            code,
            msg: "m".to_owned(),
            sub_code: sub_code.map(str::to_owned),
            sub_msg: None,
            request_id: None,
        })
    }

    fn transport(e: TransportError) -> Error {
        Error::Transport { source: e }
    }

    fn status(status: u16) -> Error {
        Error::Status {
            status,
            body_prefix: String::new(),
        }
    }

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn the_retry_table() {
        let p = RetryPolicy::default().with_jitter(0.0);
        let cases: Vec<(Error, Option<Duration>)> = vec![
            (top(50, Some("isp.remote-service-error")), Some(MS(100))),
            (
                top(15, Some("isp.top-remote-connection-timeout")),
                Some(MS(100)),
            ),
            (top(10, None), Some(MS(100))),
            (top(7, None), Some(Duration::from_secs(1))),
            (
                top(8, Some("accesscontrol.limited-by-api-access-count")),
                Some(Duration::from_secs(1)),
            ),
            (top(50, Some("isv.invalid-parameter")), None),
            (top(10, Some("isv.something")), None),
            (top(25, None), None),
            (top(27, Some("invalid-sessionkey")), None),
            (status(500), Some(MS(100))),
            (status(502), Some(MS(100))),
            (status(503), Some(MS(100))),
            (status(599), Some(MS(100))),
            (status(404), None),
            (status(429), None),
            (status(600), None),
            (transport(TransportError::connect("refused")), Some(MS(100))),
            (
                transport(TransportError::connect_timeout("slow")),
                Some(MS(100)),
            ),
            (transport(TransportError::timeout("after sending")), None),
            (transport(TransportError::other("reset")), None),
            (
                transport(TransportError::new(
                    TransportErrorKind::InvalidRequest,
                    "bad",
                )),
                None,
            ),
            (transport(TransportError::body_too_large(1, 200)), None),
            (
                Error::BodyTooLarge {
                    limit: 1,
                    status: 200,
                },
                None,
            ),
            (
                Error::Decode {
                    message: "m".to_owned(),
                    status: 200,
                    body_prefix: String::new(),
                },
                None,
            ),
            (Error::MissingSession { method: "m" }, None),
            (Error::Config("c".to_owned()), None),
            (
                Error::Param(crate::ParamError {
                    param: "p",
                    kind: crate::ParamErrorKind::Required,
                }),
                None,
            ),
            (Error::InsideAsyncRuntime, None),
        ];
        for (error, expected) in cases {
            assert_eq!(p.decide(&error, 1), expected, "{error:?}");
            // The policy agrees with `Error::is_retryable`.
            assert_eq!(expected.is_some(), error.is_retryable(), "{error:?}");
        }
    }

    fn limited(code: i64, sub_code: Option<&str>, sub_msg: &str) -> Error {
        Error::Top(TopError {
            code,
            msg: "App Call Limited".to_owned(),
            sub_code: sub_code.map(str::to_owned),
            sub_msg: Some(sub_msg.to_owned()),
            request_id: None,
        })
    }

    #[test]
    fn call_limits_wait_their_ban() {
        let p = RetryPolicy::default()
            .with_rate_limit_delay(MS(300))
            .with_max_ban_wait(Duration::from_secs(30))
            .with_jitter(1.0);
        let sub = Some("accesscontrol.limited-by-app-access-count");
        let cases = [
            (
                limited(7, sub, "This ban will last for 12 more seconds"),
                Some(MS(12_000)),
            ),
            (
                limited(8, None, "this ban will last for 2 more seconds"),
                Some(MS(2_000)),
            ),
            (
                limited(7, sub, "This ban will last for 30 more seconds"),
                Some(MS(30_000)),
            ),
            // Longer than `max_ban_wait`: not waited.
            (
                limited(7, sub, "This ban will last for 31 more seconds"),
                None,
            ),
            // Unknown wording: the policy's delay.
            (limited(7, sub, "请稍后再试"), Some(MS(300))),
            (
                limited(
                    50,
                    Some("isv.app-call-limited"),
                    "This ban will last for 1 more seconds",
                ),
                Some(MS(1_000)),
            ),
            (
                limited(50, Some("accesscontrol.limited-by-api-access-count"), "x"),
                Some(MS(300)),
            ),
        ];
        for (error, expected) in cases {
            // Jitter never shortens a ban.
            assert_eq!(p.decide_with(&error, 1, 0.99), expected, "{error:?}");
            assert!(error.is_retryable(), "{error:?}");
        }
        // Attempts still bound it.
        let error = limited(7, sub, "This ban will last for 1 more seconds");
        assert_eq!(p.clone().with_max_attempts(2).decide(&error, 2), None);
        // A call limit already turned into `CallLimited` is the caller's to wait.
        let Error::Top(top) = error else {
            unreachable!()
        };
        let given_up = crate::limits::banned(top, MS(1_000));
        assert_eq!(p.decide(&given_up, 1), None);
        assert!(given_up.is_retryable());
        assert!(given_up.retry_after().is_some_and(|d| d <= MS(1_000)));
    }

    #[test]
    fn attempts_are_bounded() {
        let p = RetryPolicy::default();
        let isp = top(50, Some("isp.x"));
        assert_eq!(p.max_attempts(), 4);
        for attempt in 1..4 {
            assert!(p.decide(&isp, attempt).is_some(), "{attempt}");
        }
        assert_eq!(p.decide(&isp, 4), None);
        assert_eq!(p.decide(&isp, u32::MAX), None);
        let none = RetryPolicy::none();
        assert_eq!(none.decide(&isp, 1), None);
        assert_eq!(none.decide(&top(7, None), 1), None);
        assert_eq!(
            RetryPolicy::default().with_max_attempts(0).max_attempts(),
            1
        );
        assert_eq!(
            RetryPolicy::default()
                .with_max_attempts(1000)
                .max_attempts(),
            RetryPolicy::MAX_ATTEMPTS
        );
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy::default()
            .with_base_delay(MS(100))
            .with_max_delay(MS(350))
            .with_max_attempts(10)
            .with_jitter(0.0);
        let isp = top(50, Some("isp.x"));
        let delays: Vec<Duration> = (1..10).filter_map(|a| p.decide(&isp, a)).collect();
        assert_eq!(
            delays,
            [
                MS(100),
                MS(200),
                MS(350),
                MS(350),
                MS(350),
                MS(350),
                MS(350),
                MS(350),
                MS(350)
            ]
        );
        // No overflow with huge delays and attempt numbers.
        let huge = RetryPolicy::default()
            .with_base_delay(Duration::MAX)
            .with_max_delay(Duration::MAX);
        assert_eq!(huge.backoff(u32::MAX), Duration::MAX);
        assert_eq!(RetryPolicy::default().backoff(0), MS(100));
    }

    #[test]
    fn jitter_shortens_backoff_only() {
        let p = RetryPolicy::default().with_jitter(0.5);
        let isp = top(50, Some("isp.x"));
        assert_eq!(p.decide_with(&isp, 1, 0.0), Some(MS(100)));
        assert_eq!(p.decide_with(&isp, 1, 1.0), Some(MS(50)));
        assert_eq!(p.decide_with(&isp, 2, 0.5), Some(MS(150)));
        assert_eq!(p.decide_with(&isp, 1, f64::NAN), Some(MS(100)));
        assert_eq!(p.decide_with(&isp, 1, 7.0), Some(MS(50)));
        // The rate-limit delay is a minimum: never jittered.
        let limited = top(7, None);
        assert_eq!(
            p.decide_with(&limited, 1, 0.99),
            Some(Duration::from_secs(1))
        );
        assert_eq!(RetryPolicy::default().with_jitter(f64::NAN).jitter(), 0.0);
        assert_eq!(RetryPolicy::default().with_jitter(3.0).jitter(), 1.0);
        assert_eq!(RetryPolicy::default().with_jitter(-1.0).jitter(), 0.0);
    }

    #[test]
    fn samples_are_in_range_and_vary() {
        let samples: Vec<f64> = (0..64).map(|_| jitter_sample()).collect();
        assert!(
            samples.iter().all(|s| (0.0..1.0).contains(s)),
            "{samples:?}"
        );
        let first = samples[0];
        assert!(samples.iter().any(|s| *s != first), "{samples:?}");
    }
}
