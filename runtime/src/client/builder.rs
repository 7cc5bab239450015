//! [`ClientBuilder`]: a [`Client`]'s settings, checked when it is built.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use super::{
    Client, Clock, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_TIMEOUT, Inner,
    PRODUCTION_ENDPOINT,
};
use crate::error::Error;
use crate::format::Format;
use crate::limits::RateLimit;
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::sign::{SignMethod, is_blank};
use crate::transport::{ReqwestTransport, Transport};
use crate::{DateTime, time};

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
    rate_limit: RateLimit,
}

impl ClientBuilder {
    /// A builder for the app `app_key` with its secret, every setting at its default.
    pub(super) fn new(app_key: String, secret: Secret) -> Self {
        ClientBuilder {
            app_key,
            secret,
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
            rate_limit: RateLimit::new(),
        }
    }

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

    /// The reply format. Default: [`Format::Json`]; [`CallOptions::format`](super::CallOptions::format) overrides it per
    /// call.
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// The connect timeout. Default: 15 s. With [`ClientBuilder::http_client`] your client's
    /// own applies; a custom [`Transport`] gets it as [`HttpRequest::connect_timeout`](crate::HttpRequest::connect_timeout).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// The timeout of each attempt, from connecting to the end of the reply's body.
    /// Default: 30 s; [`CallOptions::timeout`](super::CallOptions::timeout) overrides it per call, and
    /// [`CallOptions::deadline`](super::CallOptions::deadline) bounds a whole call.
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
    /// [`RetryPolicy::none`] turns retries off; [`CallOptions::retry`](super::CallOptions::retry) overrides it per call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A client-side rate limit: the client waits before sending (each attempt) so that the
    /// app and each API stay within so many calls per second, instead of being banned by TOP
    /// (code 7). A wait that would end past the call's
    /// [`deadline`](super::CallOptions::deadline) fails at once with
    /// [`Error::CallLimited`], nothing sent. Default: none. See [`crate::limits`].
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
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
        let limiter = self.rate_limit.limiter()?;
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
                limiter,
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
pub(super) fn parse_endpoint(text: &str) -> Result<Url, Error> {
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
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}
#[cfg(test)]
mod tests {
    use super::*;

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
}
