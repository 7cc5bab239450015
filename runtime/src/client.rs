//! The HTTP client: [`Client`], configured by a [`ClientBuilder`], called with per-call
//! [`CallOptions`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::multipart::{Form, Part};

use crate::error::{Error, ParamError, ParamErrorKind};
use crate::params::Params;
use crate::prepare::{Body, CallContext, PreparedRequest, prepare};
use crate::request::Request;
use crate::response::decode_reply;
use crate::secret::Secret;
use crate::sign::{SignMethod, is_blank};
use crate::{DateTime, time};

/// The production gateway (HTTPS).
pub const PRODUCTION_ENDPOINT: &str = "https://eco.taobao.com/router/rest";

/// The default connect timeout (the official SDK's).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The default total timeout of a call (the official SDK's read timeout).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `Content-Type` of a form body, as the official SDK sends it.
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=UTF-8";

/// A TOP client for one app: sends [`Request`]s and decodes their replies.
///
/// Cheap to clone (an `Arc`); share one per app. `Debug` shows the endpoint, the app key and
/// the sign method, never the secret.
///
/// ```no_run
/// # async fn run<R: topgen_runtime::Request>(request: R) -> Result<(), topgen_runtime::Error> {
/// use topgen_runtime::{CallOptions, Client, SignMethod};
/// let client = Client::builder("your-app-key", "your-app-secret")
///     .sign_method(SignMethod::HmacSha256)
///     .build()?;
/// let reply = client
///     .execute_with(&request, &CallOptions::new().session("the-user-session"))
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
    timeout: Duration,
    partner_id: Option<String>,
    target_app_key: Option<String>,
    http: reqwest::Client,
}

impl Client {
    /// Starts configuring a client for the app `app_key` with its secret.
    pub fn builder(app_key: impl Into<String>, app_secret: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder {
            app_key: app_key.into(),
            secret: app_secret.into(),
            endpoint: PRODUCTION_ENDPOINT.to_owned(),
            sign_method: SignMethod::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            partner_id: None,
            target_app_key: None,
            http: None,
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
    pub async fn execute_with<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> Result<R::Response, Error> {
        let prepared = self.prepare(request, options, &time::now())?;
        let (status, body) = self.send(prepared, options).await?;
        decode_reply(&body, R::RESPONSE_KEY, status)
    }

    /// Encodes and signs `request` at `timestamp` without sending it: exactly what
    /// [`Client::execute_with`] would send at that time. For tests and diagnosis.
    pub fn prepare<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
        timestamp: &DateTime,
    ) -> Result<PreparedRequest, Error> {
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
            format: crate::Format::Json,
        };
        Ok(prepare(&ctx, &params))
    }

    /// Posts a prepared request; returns the status and the body.
    async fn send(
        &self,
        prepared: PreparedRequest,
        options: &CallOptions,
    ) -> Result<(u16, Vec<u8>), Error> {
        let inner = &self.inner;
        let mut url = inner.endpoint.clone();
        url.set_query(Some(&prepared.query_string()));
        let builder = inner
            .http
            .post(url)
            .timeout(options.timeout.unwrap_or(inner.timeout));
        let builder = match prepared.body {
            Body::Form(form) => builder
                .header(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE))
                .body(form),
            Body::Multipart { text, files } => builder.multipart(multipart(text, files)?),
        };
        let response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport)?;
        Ok((status, body.to_vec()))
    }
}

/// The multipart form of a call with files: text parts (`text/plain`), then file parts.
fn multipart(
    text: Vec<(&'static str, String)>,
    files: Vec<(&'static str, crate::FileItem)>,
) -> Result<Form, Error> {
    let mut form = Form::new();
    for (name, value) in text {
        let part = Part::text(value)
            .mime_str("text/plain")
            .map_err(|e| encode_error(name, &e))?;
        form = form.part(name, part);
    }
    for (name, file) in files {
        let part = Part::bytes(file.bytes)
            .file_name(file.file_name)
            .mime_str(&file.mime)
            .map_err(|e| encode_error(name, &e))?;
        form = form.part(name, part);
    }
    Ok(form)
}

fn encode_error(param: &'static str, e: &reqwest::Error) -> Error {
    Error::Param(ParamError {
        param,
        kind: ParamErrorKind::Encode(e.to_string()),
    })
}

/// A reqwest error without its URL: the query holds the session and the sign.
fn transport(e: reqwest::Error) -> Error {
    Error::Transport {
        source: e.without_url(),
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

/// Configures a [`Client`]; see [`Client::builder`].
///
/// `Debug` redacts the secret.
pub struct ClientBuilder {
    app_key: String,
    secret: Secret,
    endpoint: String,
    sign_method: SignMethod,
    connect_timeout: Duration,
    timeout: Duration,
    partner_id: Option<String>,
    target_app_key: Option<String>,
    http: Option<reqwest::Client>,
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

    /// The connect timeout. Default: 15 s. Ignored with [`ClientBuilder::http_client`].
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// The total timeout of a call, from connecting to the end of the reply. Default: 30 s;
    /// [`CallOptions::timeout`] overrides it per call.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
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

    /// Uses your own reqwest client (proxy, TLS roots…). Its connect timeout is then yours to
    /// set; the per-call timeout still applies. Call [`install_crypto_provider`] before
    /// building it (unless your application installs a rustls provider itself).
    pub fn http_client(mut self, c: reqwest::Client) -> Self {
        self.http = Some(c);
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// Installs rustls' ring provider as the process default if none is installed yet, then
    /// builds a reqwest client with the connect timeout, the user agent `topgen/<version>`
    /// and no redirects (unless a client was given).
    pub fn build(self) -> Result<Client, Error> {
        if is_blank(&self.app_key) {
            return Err(Error::Config("the app key is empty".to_owned()));
        }
        if is_blank(self.secret.expose_secret()) {
            return Err(Error::Config("the app secret is empty".to_owned()));
        }
        let endpoint = parse_endpoint(&self.endpoint)?;
        let http = match self.http {
            Some(http) => http,
            None => {
                install_crypto_provider();
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .user_agent(concat!("topgen/", env!("CARGO_PKG_VERSION")))
                    // TOP never redirects; following one would turn the POST into a GET.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| {
                        Error::Config(format!("cannot build the HTTP client: {}", e.without_url()))
                    })?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                endpoint,
                app_key: self.app_key,
                secret: self.secret,
                sign_method: self.sign_method,
                timeout: self.timeout,
                partner_id: self.partner_id.filter(|s| !is_blank(s)),
                target_app_key: self.target_app_key.filter(|s| !is_blank(s)),
                http,
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
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("app_key", &self.app_key)
            .field("secret", &self.secret)
            .field("sign_method", &self.sign_method)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("partner_id", &self.partner_id)
            .field("target_app_key", &self.target_app_key)
            .field("custom_http_client", &self.http.is_some())
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
}

impl CallOptions {
    /// No session; the client's timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// The user's session (access token), for APIs that need authorisation. It is sent and
    /// signed as the `session` system param.
    pub fn session(mut self, s: impl Into<Secret>) -> Self {
        self.session = Some(s.into());
        self
    }

    /// The total timeout of this call, instead of the client's.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("session", &self.session.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
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
            r#"CallOptions { session: Some("***"), timeout: None }"#
        );
        // Clones share the same configuration.
        let clone = client.clone();
        assert_eq!(clone.endpoint(), client.endpoint());
        assert_eq!(clone.app_key(), "12345678");
        assert_eq!(clone.sign_method(), SignMethod::HmacSha256);
    }
}
