//! Call limits: TOP's bans (error codes 7 and 8, PROTOCOL.md "Call limits") and the optional
//! client-side [`RateLimit`].
//!
//! # TOP's bans
//!
//! An app over its quota gets code 7 (`App Call Limited`, sub codes
//! `accesscontrol.limited-by-app-access-count`, `…-api-access-count`,
//! `…-app-api-access-count`, or `isv.app-call-limited`) or code 8 (the per-API-per-user flow
//! limit); the `sub_msg` says how long the ban lasts: `This ban will last for 12 more seconds`.
//! Retrying before that only extends the ban, so the client reads it ([`ban_duration`]) and:
//!
//! - waits exactly that long and retries, when the ban ends before the call's
//!   [`deadline`](crate::CallOptions::deadline), within the [`RetryPolicy`]'s attempts and
//!   its [`max_ban_wait`](RetryPolicy::max_ban_wait);
//! - otherwise fails at once with [`Error::CallLimited`], whose [`CallLimited::retry_at`]
//!   says when to try again.
//!
//! A `sub_msg` in another wording waits the policy's
//! [`rate_limit_delay`](RetryPolicy::rate_limit_delay) instead.
//!
//! # The client-side limiter
//!
//! [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit) makes the client wait
//! before sending rather than be banned: at most so many calls per second for the app, and for
//! each API. A wait that would end past the call's deadline fails at once with
//! [`Error::CallLimited`] (with no [`TopError`]), nothing sent. The rate limiting itself is
//! the [`governor`](https://docs.rs/governor/0.10) crate's GCRA.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::clock::{Clock as _, MonotonicClock};
use governor::state::keyed::HashMapStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

use crate::error::{Error, TopError};
use crate::retry::RetryPolicy;
use crate::transport::Transport;

/// The longest ban [`ban_duration`] reads: a longer one is read as this (a day).
pub const MAX_BAN: Duration = Duration::from_secs(24 * 3600);

/// How long the ban of a call-limit error lasts, from its `sub_msg`: TOP writes
/// `This ban will last for 12 more seconds`.
///
/// Lenient about case, whitespace, a missing `more` or `for`, `second`/`seconds`/`sec`/`secs`/
/// `s`, a unit written against the number (`12s`) and trailing punctuation; `None` for
/// anything else (no number after `last`, another unit, a number too long to be one). At
/// most [`MAX_BAN`].
///
/// ```
/// use std::time::Duration;
/// use topgen_runtime::limits::ban_duration;
/// assert_eq!(ban_duration("This ban will last for 12 more seconds"), Some(Duration::from_secs(12)));
/// assert_eq!(ban_duration("ban will LAST  for 3s."), Some(Duration::from_secs(3)));
/// assert_eq!(ban_duration("访问控制"), None);
/// ```
pub fn ban_duration(sub_msg: &str) -> Option<Duration> {
    // Bounded work: TOP's sentence is short; a longer text is not it.
    if sub_msg.len() > 1024 {
        return None;
    }
    let lower = sub_msg.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    let at = words.iter().position(|w| *w == "last")?;
    let mut rest = words[at + 1..].iter().copied().peekable();
    rest.next_if_eq(&"for");
    let number = rest.next()?;
    let digits = number.len()
        - number
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    if digits == 0 || digits > 12 {
        return None;
    }
    let (count, attached) = number.split_at(digits);
    let seconds: u64 = count.parse().ok()?;
    let unit = if attached.is_empty() {
        rest.next_if_eq(&"more");
        rest.next()?
    } else {
        attached
    };
    let unit = unit.trim_end_matches(['.', '!', ';', ')', '。']);
    matches!(unit, "second" | "seconds" | "sec" | "secs" | "s")
        .then(|| Duration::from_secs(seconds).min(MAX_BAN))
}

/// Whether `error` is a call limit: code 7 or 8, an `accesscontrol.*` sub code or
/// `isv.app-call-limited`.
pub(crate) fn is_call_limit(error: &TopError) -> bool {
    let sub = error.sub_code.as_deref().unwrap_or("");
    matches!(error.code, 7 | 8)
        || sub.starts_with("accesscontrol.")
        || sub == "isv.app-call-limited"
}

/// The ban of a call-limit error: what its `sub_msg` says, else the policy's
/// [`rate_limit_delay`](RetryPolicy::rate_limit_delay).
pub(crate) fn ban_of(error: &TopError, policy: &RetryPolicy) -> Duration {
    error
        .sub_msg
        .as_deref()
        .and_then(ban_duration)
        .unwrap_or(policy.rate_limit_delay())
}

/// A call that was not (or not again) sent because of a call limit: TOP's ban, or the
/// client's own [`RateLimit`] when its wait would have ended past the call's deadline.
/// Carried by [`Error::CallLimited`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallLimited {
    pub(crate) top: Option<TopError>,
    pub(crate) wait: Duration,
    pub(crate) retry_at: Instant,
}

impl CallLimited {
    /// TOP's error (code 7 or 8…) when TOP banned the call; `None` when the client's own
    /// limiter refused to wait that long (nothing was sent then).
    pub fn top(&self) -> Option<&TopError> {
        self.top.as_ref()
    }

    /// The earliest instant a new attempt may be sent (the end of the ban).
    pub fn retry_at(&self) -> Instant {
        self.retry_at
    }

    /// How long from now until [`CallLimited::retry_at`] (zero once it has passed).
    pub fn retry_after(&self) -> Duration {
        self.retry_at.saturating_duration_since(Instant::now())
    }

    /// The whole wait, as it was when the error was made: TOP's ban, or the limiter's wait.
    pub fn wait(&self) -> Duration {
        self.wait
    }
}

impl fmt::Display for CallLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.top {
            Some(top) => write!(
                f,
                "call limited: {top}; retry in {} ms, not sooner (the ban lasts {} ms)",
                self.retry_after().as_millis(),
                self.wait.as_millis()
            ),
            None => write!(
                f,
                "call limited by the client's rate limit: the next slot is in {} ms, past the \
                 call's deadline; nothing was sent",
                self.wait.as_millis()
            ),
        }
    }
}

/// A call-limit error that will not be retried, as [`Error::CallLimited`], ending `ban` from
/// now.
pub(crate) fn banned(top: TopError, ban: Duration) -> Error {
    let now = Instant::now();
    Error::CallLimited(Box::new(CallLimited {
        retry_at: now.checked_add(ban).unwrap_or(now),
        wait: ban,
        top: Some(top),
    }))
}

/// The client-side limiter's settings: calls per second for the whole app and for each API.
/// See [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit).
///
/// Each limit lets a burst of up to its rate through at once, then one call every
/// `1 / rate` second; [`RateLimit::burst`] makes bursts smaller (TOP counts calls in windows:
/// a burst of 1 spreads them evenly).
///
/// ```
/// use topgen_runtime::limits::RateLimit;
/// let limit = RateLimit::new()
///     .app_per_second(40)
///     .api_per_second(10) // every API
///     .api("taobao.trade.fullinfo.get", 5) // this one
///     .burst(1);
/// assert_eq!(limit.limit_of("taobao.trade.fullinfo.get"), Some(5));
/// assert_eq!(limit.limit_of("taobao.time.get"), Some(10));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    app: Option<u32>,
    api: Option<u32>,
    apis: BTreeMap<String, u32>,
    burst: Option<u32>,
}

impl RateLimit {
    /// No limit yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// At most `calls` per second for the whole app (`0` is refused by
    /// [`ClientBuilder::build`](crate::ClientBuilder::build)).
    pub fn app_per_second(mut self, calls: u32) -> Self {
        self.app = Some(calls);
        self
    }

    /// At most `calls` per second for each API that has no limit of its own.
    pub fn api_per_second(mut self, calls: u32) -> Self {
        self.api = Some(calls);
        self
    }

    /// At most `calls` per second for the API `method`.
    pub fn api(mut self, method: impl Into<String>, calls: u32) -> Self {
        self.apis.insert(method.into(), calls);
        self
    }

    /// The largest burst of every limit (default: its rate); clamped to the rate.
    pub fn burst(mut self, calls: u32) -> Self {
        self.burst = Some(calls);
        self
    }

    /// The per-second limit of the API `method`, if any (its own, else the one of every API).
    pub fn limit_of(&self, method: &str) -> Option<u32> {
        self.apis.get(method).copied().or(self.api)
    }

    fn quota(&self, what: &str, rate: u32) -> Result<Quota, Error> {
        let rate = NonZeroU32::new(rate).ok_or_else(|| {
            Error::Config(format!("the rate limit of {what} is 0 calls per second"))
        })?;
        let burst = match self.burst {
            Some(b) => NonZeroU32::new(b.min(rate.get()))
                .ok_or_else(|| Error::Config("the rate limit's burst is 0 calls".to_owned()))?,
            None => rate,
        };
        Ok(Quota::per_second(rate).allow_burst(burst))
    }

    /// The limiter, or `None` for no limit at all.
    pub(crate) fn limiter(&self) -> Result<Option<Limiter>, Error> {
        if self.app.is_none() && self.api.is_none() && self.apis.is_empty() {
            return Ok(None);
        }
        let app = match self.app {
            Some(rate) => Some(RateLimiter::direct_with_clock(
                self.quota("the app", rate)?,
                MonotonicClock,
            )),
            None => None,
        };
        let api = match self.api {
            Some(rate) => Some(keyed(self.quota("every API", rate)?)),
            None => None,
        };
        let mut apis = BTreeMap::new();
        for (method, rate) in &self.apis {
            let quota = self.quota(&format!("`{method}`"), *rate)?;
            apis.insert(
                method.clone(),
                RateLimiter::direct_with_clock(quota, MonotonicClock),
            );
        }
        Ok(Some(Limiter { app, api, apis }))
    }
}

type Direct = RateLimiter<NotKeyed, InMemoryState, MonotonicClock>;
type Keyed = RateLimiter<String, HashMapStateStore<String>, MonotonicClock>;

fn keyed(quota: Quota) -> Keyed {
    RateLimiter::new(quota, HashMapStateStore::default(), MonotonicClock)
}

/// The client's rate limiters, built from a [`RateLimit`].
pub(crate) struct Limiter {
    app: Option<Direct>,
    api: Option<Keyed>,
    apis: BTreeMap<String, Direct>,
}

impl Limiter {
    /// Waits (with `transport`'s timer) until the API `method` and the app may make one more
    /// call, and takes it; fails with [`Error::CallLimited`] at once when that would be at or
    /// past `deadline`.
    ///
    /// The API's slot is taken first, then the app's: a slot once taken is kept while
    /// waiting for the other, so none is wasted.
    pub(crate) async fn acquire(
        &self,
        method: &str,
        deadline: Option<Instant>,
        transport: &dyn Transport,
    ) -> Result<(), Error> {
        if let Some(own) = self.apis.get(method) {
            wait_for(
                || {
                    own.check()
                        .map_err(|n| n.wait_time_from(MonotonicClock.now()))
                },
                deadline,
                transport,
            )
            .await?;
        } else if let Some(api) = &self.api {
            wait_for(
                || {
                    api.check_key(&method.to_owned())
                        .map_err(|n| n.wait_time_from(MonotonicClock.now()))
                },
                deadline,
                transport,
            )
            .await?;
        }
        if let Some(app) = &self.app {
            wait_for(
                || {
                    app.check()
                        .map_err(|n| n.wait_time_from(MonotonicClock.now()))
                },
                deadline,
                transport,
            )
            .await?;
        }
        Ok(())
    }
}

/// Tries `take` until it succeeds, sleeping the wait it asks for each time; the wait would
/// end at or past `deadline` → [`Error::CallLimited`].
async fn wait_for(
    take: impl Fn() -> Result<(), Duration>,
    deadline: Option<Instant>,
    transport: &dyn Transport,
) -> Result<(), Error> {
    // Each round sleeps what the limiter asks, so the number of rounds is bounded by the
    // calls that take the slot first; a deadline bounds the total.
    loop {
        let wait = match take() {
            Ok(()) => return Ok(()),
            Err(wait) => wait,
        };
        let now = Instant::now();
        let at = now.checked_add(wait);
        if let Some(deadline) = deadline
            && at.is_none_or(|at| at >= deadline)
        {
            tracing::info!(
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "the client's rate limit has no slot before the call's deadline; nothing sent"
            );
            return Err(Error::CallLimited(Box::new(CallLimited {
                top: None,
                wait,
                retry_at: at.unwrap_or(deadline),
            })));
        }
        tracing::debug!(
            wait_ms = wait.as_millis() as u64,
            "waiting for the client's rate limit"
        );
        transport.sleep(wait).await;
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("app", &self.app.is_some())
            .field("api", &self.api.is_some())
            .field("apis", &self.apis.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bans_are_read_from_the_sub_msg() {
        let s = Duration::from_secs;
        let cases: &[(&str, Option<Duration>)] = &[
            ("This ban will last for 12 more seconds", Some(s(12))),
            ("this ban will last for 1 more second", Some(s(1))),
            ("THIS BAN WILL LAST FOR 30 MORE SECONDS.", Some(s(30))),
            (
                "  This  ban\twill last\nfor  7  more   seconds  ",
                Some(s(7)),
            ),
            ("This ban will last for 5 seconds", Some(s(5))),
            ("ban will last 5 sec", Some(s(5))),
            ("This ban will last for 9s", Some(s(9))),
            ("This ban will last for 0 more seconds", Some(s(0))),
            (
                "This ban will last for 99999999999 more seconds",
                Some(MAX_BAN),
            ),
            ("This ban will last for 9999999999999 more seconds", None),
            ("This ban will last for 12 more minutes", None),
            ("This ban will last for twelve more seconds", None),
            ("This ban will last for -3 more seconds", None),
            ("This ban will last for", None),
            ("This ban will last for 12", None),
            ("last", None),
            ("", None),
            ("访问控制：超过访问频率", None),
            ("App Call Limited", None),
        ];
        for (text, expected) in cases {
            assert_eq!(ban_duration(text), *expected, "{text:?}");
        }
        assert_eq!(ban_duration(&"last for 1 s ".repeat(200)), None);
    }

    fn top(code: i64, sub_code: Option<&str>, sub_msg: Option<&str>) -> TopError {
        TopError {
            code,
            msg: "App Call Limited".to_owned(),
            sub_code: sub_code.map(str::to_owned),
            sub_msg: sub_msg.map(str::to_owned),
            request_id: None,
        }
    }

    #[test]
    fn what_is_a_call_limit() {
        assert!(is_call_limit(&top(7, None, None)));
        assert!(is_call_limit(&top(8, None, None)));
        assert!(is_call_limit(&top(
            50,
            Some("accesscontrol.limited-by-api-access-count"),
            None
        )));
        assert!(is_call_limit(&top(50, Some("isv.app-call-limited"), None)));
        assert!(!is_call_limit(&top(
            50,
            Some("isv.invalid-parameter"),
            None
        )));
        assert!(!is_call_limit(&top(27, None, None)));
    }

    #[test]
    fn the_ban_or_the_policys_delay() {
        let policy = RetryPolicy::default().with_rate_limit_delay(Duration::from_millis(700));
        let said = top(7, None, Some("This ban will last for 3 more seconds"));
        assert_eq!(ban_of(&said, &policy), Duration::from_secs(3));
        let unknown = top(7, None, Some("slow down"));
        assert_eq!(ban_of(&unknown, &policy), Duration::from_millis(700));
        assert_eq!(
            ban_of(&top(7, None, None), &policy),
            Duration::from_millis(700)
        );
    }

    #[test]
    fn call_limited_says_when() {
        let Error::CallLimited(e) = banned(
            top(7, None, Some("This ban will last for 20 more seconds")),
            Duration::from_secs(20),
        ) else {
            panic!("not CallLimited");
        };
        assert_eq!(e.wait(), Duration::from_secs(20));
        assert!(e.retry_after() <= Duration::from_secs(20));
        assert!(e.retry_after() > Duration::from_secs(19));
        assert_eq!(e.top().map(|t| t.code), Some(7));
        let text = e.to_string();
        assert!(
            text.starts_with("call limited: TOP error 7: App Call Limited"),
            "{text}"
        );
        assert!(text.contains("the ban lasts 20000 ms"), "{text}");
    }

    /// A transport that sends nothing and counts its sleeps.
    #[derive(Default)]
    struct Timer(std::sync::Mutex<Vec<Duration>>);

    impl Transport for Timer {
        fn send<'a>(
            &'a self,
            _: crate::transport::HttpRequest,
        ) -> crate::transport::BoxFuture<
            'a,
            Result<crate::transport::HttpResponse, crate::transport::TransportError>,
        > {
            Box::pin(async { Err(crate::transport::TransportError::other("unused")) })
        }

        fn sleep(&self, duration: Duration) -> crate::transport::BoxFuture<'static, ()> {
            self.0.lock().unwrap().push(duration);
            Box::pin(tokio::time::sleep(duration))
        }
    }

    #[tokio::test]
    async fn the_limiter_waits_within_the_deadline_and_refuses_past_it() {
        let limiter = RateLimit::new()
            .app_per_second(20)
            .api("a.b", 10)
            .burst(1)
            .limiter()
            .unwrap()
            .unwrap();
        let timer = Timer::default();
        let far = Some(Instant::now() + Duration::from_secs(5));
        let t0 = Instant::now();
        limiter.acquire("a.b", far, &timer).await.unwrap();
        assert!(
            timer.0.lock().unwrap().is_empty(),
            "the first passes at once"
        );
        // Another API waits for the app's slot (50 ms apart): the app counts every API.
        limiter.acquire("x.y", far, &timer).await.unwrap();
        assert!(
            t0.elapsed() >= Duration::from_millis(40),
            "{:?}",
            t0.elapsed()
        );
        assert!(!timer.0.lock().unwrap().is_empty());
        // `a.b` again waits for its own slot (100 ms apart), within the deadline.
        limiter.acquire("a.b", far, &timer).await.unwrap();
        assert!(
            t0.elapsed() >= Duration::from_millis(90),
            "{:?}",
            t0.elapsed()
        );
        // Past the deadline: refused at once, the wait it would have taken in the error.
        let near = Some(Instant::now() + Duration::from_millis(10));
        let started = Instant::now();
        let Err(Error::CallLimited(limited)) = limiter.acquire("a.b", near, &timer).await else {
            panic!("expected CallLimited");
        };
        assert!(started.elapsed() < Duration::from_millis(10));
        assert!(limited.top().is_none());
        assert!(limited.wait() > Duration::from_millis(10));
        assert!(
            limited.to_string().contains("nothing was sent"),
            "{limited}"
        );
    }

    #[test]
    fn zero_rates_are_config_errors() {
        for limit in [
            RateLimit::new().app_per_second(0),
            RateLimit::new().api_per_second(0),
            RateLimit::new().api("x.y", 0),
            RateLimit::new().app_per_second(3).burst(0),
        ] {
            let err = limit.limiter().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{limit:?}: {err}");
        }
        assert!(RateLimit::new().limiter().unwrap().is_none());
        assert!(
            RateLimit::new()
                .app_per_second(1)
                .limiter()
                .unwrap()
                .is_some()
        );
    }
}
