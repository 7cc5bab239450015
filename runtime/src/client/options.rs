//! [`CallOptions`]: what one call may set instead of the client's settings.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::format::Format;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::session::SessionProvider;

/// Per-call options.
///
/// `Debug` redacts the session.
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) session: Option<Secret>,
    pub(super) timeout: Option<Duration>,
    pub(super) deadline: Option<Duration>,
    pub(super) format: Option<Format>,
    pub(super) retry: Option<RetryPolicy>,
    pub(crate) provider: Option<Arc<dyn SessionProvider>>,
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

    /// Where the session comes from when the API needs one
    /// ([`Request::REQUIRES_SESSION`](crate::Request::REQUIRES_SESSION)) and
    /// [`CallOptions::session`] gave none: asked once per call, before the first attempt
    /// (see [`crate::session`]; [`MemorySession`](crate::session::MemorySession) renews it
    /// ahead of expiry).
    pub fn session_provider(mut self, provider: Arc<dyn SessionProvider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// The timeout of each attempt of this call, instead of the client's.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// A bound on the whole call, retries and the waits between them included: an
    /// attempt's timeout is cut to what is left, and no retry starts that could not begin
    /// before it. An attempt cut short fails with a timeout ([`Error::is_timeout`](crate::Error::is_timeout)); when a
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
        let mut d = f.debug_struct("CallOptions");
        d.field("session", &self.session.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("format", &self.format)
            .field("retry", &self.retry);
        if self.provider.is_some() {
            d.field("session_provider", &"…");
        }
        d.finish()
    }
}
