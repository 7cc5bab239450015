//! Call quotas ([`Quota`], set with [`GatewayBuilder::quota`](crate::GatewayBuilder::quota)):
//! at most so many calls per window, per app or per API of an app; past it, TOP's code 7
//! (PROTOCOL.md "Call limits").
//!
//! Windows are fixed: one starts with the first call after the last one ended, and a call
//! over the quota is refused with `This ban will last for N more seconds`, N the seconds left
//! in the window, rounded up — so a client that waits them out gets through. Refused calls do
//! not count.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::record::Rejection;

/// A quota: at most `calls` calls per `window`, for each app (every API together) or for one
/// API of each app.
///
/// ```
/// use std::time::Duration;
/// use topgen_gateway::Quota;
/// let per_app = Quota::per_app(100, Duration::from_secs(1));
/// let per_api = Quota::per_api("taobao.trade.fullinfo.get", 10, Duration::from_secs(1));
/// assert_eq!(per_api.calls(), 10);
/// # let _ = per_app;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quota {
    api: Option<String>,
    calls: u32,
    window: Duration,
}

impl Quota {
    /// At most `calls` calls per `window` for each app, every API together; over it, code 7
    /// with sub code `accesscontrol.limited-by-app-access-count`.
    pub fn per_app(calls: u32, window: Duration) -> Self {
        Quota {
            api: None,
            calls,
            window,
        }
    }

    /// At most `calls` calls of the API `method` per `window` for each app; over it, code 7
    /// with sub code `accesscontrol.limited-by-api-access-count`.
    pub fn per_api(method: impl Into<String>, calls: u32, window: Duration) -> Self {
        Quota {
            api: Some(method.into()),
            calls,
            window,
        }
    }

    /// The calls allowed per window.
    pub fn calls(&self) -> u32 {
        self.calls
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The API it counts, or `None` for every API.
    pub fn api(&self) -> Option<&str> {
        self.api.as_deref()
    }
}

/// One window of one quota for one app.
#[derive(Debug)]
struct Window {
    start: Instant,
    count: u32,
}

/// The quotas and their windows.
#[derive(Debug, Default)]
pub(crate) struct Quotas {
    rules: Vec<Quota>,
    /// By (rule index, app key).
    windows: Mutex<HashMap<(usize, String), Window>>,
}

impl Quotas {
    pub(crate) fn new(rules: Vec<Quota>) -> Self {
        Quotas {
            rules,
            windows: Mutex::default(),
        }
    }

    /// Counts a call of `method` by `app_key` at `now`, or refuses it with code 7 when a
    /// quota that applies is used up (then nothing is counted).
    pub(crate) fn admit(&self, app_key: &str, method: &str, now: Instant) -> Result<(), Rejection> {
        if self.rules.is_empty() {
            return Ok(());
        }
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let applying: Vec<usize> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(_, q)| q.api.as_deref().is_none_or(|api| api == method))
            .map(|(i, _)| i)
            .collect();
        // Check every quota first, count only if all let the call through.
        for &i in &applying {
            let rule = &self.rules[i];
            let (count, ends) = match windows.get(&(i, app_key.to_owned())) {
                Some(w) => {
                    let ends = w.start.checked_add(rule.window).unwrap_or(w.start);
                    if now < ends {
                        (w.count, ends)
                    } else {
                        (0, now.checked_add(rule.window).unwrap_or(now))
                    }
                }
                None => (0, now.checked_add(rule.window).unwrap_or(now)),
            };
            if count >= rule.calls {
                return Err(limited(rule, ends.saturating_duration_since(now)));
            }
        }
        for &i in &applying {
            let rule = &self.rules[i];
            let window = windows.entry((i, app_key.to_owned())).or_insert(Window {
                start: now,
                count: 0,
            });
            if now
                >= window
                    .start
                    .checked_add(rule.window)
                    .unwrap_or(window.start)
            {
                *window = Window {
                    start: now,
                    count: 0,
                };
            }
            window.count = window.count.saturating_add(1);
        }
        Ok(())
    }
}

/// TOP's code 7 for `rule`, the ban lasting `left` (in whole seconds, rounded up).
fn limited(rule: &Quota, left: Duration) -> Rejection {
    let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    let sub_code = match rule.api {
        None => "accesscontrol.limited-by-app-access-count",
        Some(_) => "accesscontrol.limited-by-api-access-count",
    };
    Rejection::new(
        7,
        "App Call Limited",
        sub_code,
        format!("This ban will last for {seconds} more seconds"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_count_and_ban_until_they_end() {
        let ms = Duration::from_millis;
        let quotas = Quotas::new(vec![
            Quota::per_app(3, ms(1_500)),
            Quota::per_api("a.b", 1, ms(1_000)),
        ]);
        let t0 = Instant::now();
        assert!(quotas.admit("app", "x.y", t0).is_ok());
        assert!(quotas.admit("app", "a.b", t0).is_ok());
        // The API's quota is used up; the app's is not counted for the refused call.
        let e = quotas.admit("app", "a.b", t0 + ms(200)).unwrap_err();
        assert_eq!(
            (e.code, e.sub_code.as_str(), e.sub_msg.as_str()),
            (
                7,
                "accesscontrol.limited-by-api-access-count",
                "This ban will last for 1 more seconds"
            )
        );
        assert!(quotas.admit("app", "x.y", t0 + ms(300)).is_ok());
        let e = quotas.admit("app", "x.y", t0 + ms(400)).unwrap_err();
        assert_eq!(e.sub_code, "accesscontrol.limited-by-app-access-count");
        assert_eq!(e.sub_msg, "This ban will last for 2 more seconds");
        // Another app has its own windows.
        assert!(quotas.admit("other", "a.b", t0 + ms(400)).is_ok());
        // A new window.
        assert!(quotas.admit("app", "a.b", t0 + ms(1_500)).is_ok());
        // No quota, no limit.
        let none = Quotas::new(Vec::new());
        for _ in 0..100 {
            assert!(none.admit("app", "x.y", t0).is_ok());
        }
        let zero = Quotas::new(vec![Quota::per_app(0, ms(1_000))]);
        assert_eq!(zero.admit("app", "x.y", t0).unwrap_err().code, 7);
    }
}
