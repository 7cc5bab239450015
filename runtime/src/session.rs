//! Sessions (OAuth, PROTOCOL.md "Sessions"): the authorize URL ([`AuthorizeUrl`]), turning
//! its `code` into a session and renewing it ([`Auth`], a [`Token`]), and a
//! [`SessionProvider`] that calls needing a session get theirs from ([`MemorySession`]
//! renews it ahead of expiry, once however many calls wait for it).
//!
//! 1. Send the user to [`AuthorizeUrl`]; TOP redirects them back to your `redirect_uri` with
//!    `code` (and your `state`).
//! 2. [`Auth::create_token`] turns the code into a [`Token`] with `taobao.top.auth.token.create`;
//!    its [`Token::access_token`] is the session of [`CallOptions::session`](crate::CallOptions::session).
//! 3. [`Auth::refresh_token`] renews it with `taobao.top.auth.token.refresh` before
//!    [`Token::expires_at`]; or give calls a [`MemorySession`] with
//!    [`CallOptions::session_provider`](crate::CallOptions::session_provider), which does it
//!    for them.
//!
//! TOP serves the two token APIs over HTTPS only (over HTTP they fail with code 22), so
//! [`Auth`] refuses a plain-HTTP endpoint before sending anything
//! ([`SessionError::InsecureEndpoint`]); [`Auth::allow_http_loopback`] lets tests use a local
//! gateway on `http://127.0.0.1`.
//!
//! A call refused for its session (code 26 or 27: missing, expired, revoked) is an
//! [`Error::Top`] for which [`Error::is_session_error`] is true.
//!
//! The two requests are written here by hand ([`TokenCreateRequest`], [`TokenRefreshRequest`])
//! because the runtime cannot depend on generated crates; they send exactly the params of
//! `specs/taobao.top.auth.token.create.yaml` and `…refresh.yaml` (`code`, `uuid`;
//! `refresh_token`) and read the same reply field, `token_result`, which TOP sends as a JSON
//! string (an object is read too).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::Url;
use serde::Deserialize;

use crate::client::Client;
use crate::error::{Error, ParamError};
use crate::params::Params;
use crate::request::Request;
use crate::secret::Secret;
use crate::transport::BoxFuture;

/// TOP's authorize page.
pub const AUTHORIZE_URL: &str = "https://oauth.taobao.com/authorize";

/// The sandbox's authorize page.
pub const SANDBOX_AUTHORIZE_URL: &str = "https://oauth.tbsandbox.com/authorize";

/// The page a user authorises the app on (`response_type=code`).
///
/// ```
/// use topgen_runtime::session::{AuthorizeUrl, View};
/// let url = AuthorizeUrl::new("12345678", "https://example.com/back?x=1")
///     .state("csrf 1/2")
///     .view(View::Wap)
///     .to_string();
/// assert_eq!(
///     url,
///     "https://oauth.taobao.com/authorize?response_type=code&client_id=12345678\
///      &redirect_uri=https%3A%2F%2Fexample.com%2Fback%3Fx%3D1&state=csrf+1%2F2&view=wap"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizeUrl {
    base: &'static str,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    view: Option<View>,
}

/// The authorize page's layout (`view`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    /// The desktop page (`web`, TOP's default).
    Web,
    /// Tmall's desktop page (`tmall`).
    Tmall,
    /// The mobile page (`wap`).
    Wap,
}

impl View {
    /// The `view` value.
    pub fn as_str(self) -> &'static str {
        match self {
            View::Web => "web",
            View::Tmall => "tmall",
            View::Wap => "wap",
        }
    }
}

impl AuthorizeUrl {
    /// The page for the app `client_id` (its app key), sending the user back to
    /// `redirect_uri` (it must match the app's callback URL in its console).
    pub fn new(client_id: impl Into<String>, redirect_uri: impl Into<String>) -> Self {
        AuthorizeUrl {
            base: AUTHORIZE_URL,
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            state: None,
            view: None,
        }
    }

    /// The sandbox's page ([`SANDBOX_AUTHORIZE_URL`]).
    pub fn sandbox(mut self) -> Self {
        self.base = SANDBOX_AUTHORIZE_URL;
        self
    }

    /// A value TOP hands back with the code: check it to refuse forged redirects.
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// The page's layout.
    pub fn view(mut self, view: View) -> Self {
        self.view = Some(view);
        self
    }
}

impl fmt::Display for AuthorizeUrl {
    /// The URL, its query form-encoded (UTF-8, space as `+`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &self.redirect_uri);
        if let Some(state) = &self.state {
            query.append_pair("state", state);
        }
        if let Some(view) = self.view {
            query.append_pair("view", view.as_str());
        }
        write!(f, "{}?{}", self.base, query.finish())
    }
}

/// A session, as the token APIs give it. `Debug` shows the expiries, the user and `***` for
/// the tokens.
#[derive(Clone)]
pub struct Token {
    /// The session: the `session` of calls made for the user.
    pub access_token: Secret,
    /// Renews the session ([`Auth::refresh_token`]); absent for apps whose sessions cannot be
    /// renewed.
    pub refresh_token: Option<Secret>,
    /// How long the access token lasts from [`Token::issued_at`] (`expires_in`).
    pub expires_in: Duration,
    /// How long the refresh token lasts (`re_expires_in`).
    pub re_expires_in: Option<Duration>,
    /// How long the R1 (read, level 1) permission lasts (`r1_expires_in`).
    pub r1_expires_in: Option<Duration>,
    /// `r2_expires_in`.
    pub r2_expires_in: Option<Duration>,
    /// `w1_expires_in`.
    pub w1_expires_in: Option<Duration>,
    /// `w2_expires_in`.
    pub w2_expires_in: Option<Duration>,
    /// The user's id (`taobao_user_id`, as text: it may exceed 2^53).
    pub user_id: Option<String>,
    /// The user's nick (`taobao_user_nick`).
    pub user_nick: Option<String>,
    /// When the token was received (the expiries count from here).
    pub issued_at: Instant,
}

impl Token {
    /// Reads the token JSON of a `token_result` (the JSON text), received at `issued_at`.
    /// Numbers may be numbers or numeric strings; `access_token` and `expires_in` are
    /// required. Errors name the field, never a value.
    pub fn from_json(text: &str, issued_at: Instant) -> Result<Token, SessionError> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            SessionError::TokenResult(format!(
                "token_result is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        Token::from_value(&value, issued_at)
    }

    fn from_value(value: &serde_json::Value, issued_at: Instant) -> Result<Token, SessionError> {
        let bad = |what: &str| SessionError::TokenResult(what.to_owned());
        let object = value
            .as_object()
            .ok_or_else(|| bad("token_result is not a JSON object"))?;
        let text = |name: &str| -> Result<Option<String>, SessionError> {
            match object.get(name) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
                Some(serde_json::Value::Number(n)) => Ok(Some(n.to_string())),
                Some(_) => Err(bad(&format!("token_result.{name} is not a string"))),
            }
        };
        let seconds = |name: &str| -> Result<Option<Duration>, SessionError> {
            match text(name)? {
                None => Ok(None),
                Some(s) => s
                    .trim()
                    .parse::<u64>()
                    .map(|n| Some(Duration::from_secs(n)))
                    .map_err(|_| bad(&format!("token_result.{name} is not a number of seconds"))),
            }
        };
        let access_token =
            text("access_token")?.ok_or_else(|| bad("token_result has no access_token"))?;
        let expires_in =
            seconds("expires_in")?.ok_or_else(|| bad("token_result has no expires_in"))?;
        Ok(Token {
            access_token: Secret::new(access_token),
            refresh_token: text("refresh_token")?.map(Secret::new),
            expires_in,
            re_expires_in: seconds("re_expires_in")?,
            r1_expires_in: seconds("r1_expires_in")?,
            r2_expires_in: seconds("r2_expires_in")?,
            w1_expires_in: seconds("w1_expires_in")?,
            w2_expires_in: seconds("w2_expires_in")?,
            user_id: text("taobao_user_id")?,
            user_nick: text("taobao_user_nick")?,
            issued_at,
        })
    }

    /// When the access token expires.
    pub fn expires_at(&self) -> Instant {
        add(self.issued_at, self.expires_in)
    }

    /// When the refresh token expires, if the reply said.
    pub fn refresh_expires_at(&self) -> Option<Instant> {
        self.re_expires_in.map(|d| add(self.issued_at, d))
    }

    /// Whether the refresh token can still be used at `now`.
    pub fn can_refresh_at(&self, now: Instant) -> bool {
        self.refresh_token.is_some() && self.refresh_expires_at().is_none_or(|at| now < at)
    }
}

fn add(at: Instant, d: Duration) -> Instant {
    // A lifetime too long to represent is as good as forever: the farthest instant we can.
    at.checked_add(d)
        .or_else(|| at.checked_add(Duration::from_secs(100 * 365 * 86_400)))
        .unwrap_or(at)
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_in", &self.expires_in)
            .field("re_expires_in", &self.re_expires_in)
            .field("r1_expires_in", &self.r1_expires_in)
            .field("r2_expires_in", &self.r2_expires_in)
            .field("w1_expires_in", &self.w1_expires_in)
            .field("w2_expires_in", &self.w2_expires_in)
            .field("user_id", &self.user_id)
            .field("user_nick", &self.user_nick)
            .finish_non_exhaustive()
    }
}

/// Why a session could not be had ([`Error::Session`]). Never holds a token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionError {
    /// The token APIs were to be called over plain HTTP; nothing was sent.
    InsecureEndpoint,
    /// The reply's `token_result` is not a token: what is wrong with it.
    TokenResult(String),
    /// The session expired and cannot be renewed: the token has no refresh token.
    NoRefreshToken,
    /// The session expired and so did its refresh token: the user must authorise again.
    RefreshTokenExpired,
    /// A [`SessionProvider`] of yours failed: its message.
    Provider(String),
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::InsecureEndpoint => f.write_str(
                "the token APIs need an https endpoint (TOP refuses them over HTTP with code 22); \
                 Auth::allow_http_loopback allows http://127.0.0.1 for tests; nothing was sent",
            ),
            SessionError::TokenResult(what) => write!(f, "TOP's token reply cannot be read: {what}"),
            SessionError::NoRefreshToken => {
                f.write_str("the session expired and has no refresh token: the user must authorise the app again")
            }
            SessionError::RefreshTokenExpired => f.write_str(
                "the session and its refresh token expired: the user must authorise the app again",
            ),
            SessionError::Provider(message) => write!(f, "the session provider failed: {message}"),
        }
    }
}

impl std::error::Error for SessionError {}

impl From<SessionError> for Error {
    fn from(e: SessionError) -> Self {
        Error::Session(e)
    }
}

/// The reply of both token APIs.
#[derive(Debug, Deserialize)]
pub struct TokenResponse {
    /// The token JSON: a JSON string (as TOP sends it) or an object.
    #[serde(default)]
    pub token_result: Option<serde_json::Value>,
}

impl TokenResponse {
    /// The token, received at `issued_at`.
    pub fn token(&self, issued_at: Instant) -> Result<Token, SessionError> {
        match &self.token_result {
            Some(serde_json::Value::String(text)) => Token::from_json(text, issued_at),
            Some(value @ serde_json::Value::Object(_)) => Token::from_value(value, issued_at),
            Some(_) => Err(SessionError::TokenResult(
                "token_result is neither a JSON string nor an object".to_owned(),
            )),
            None => Err(SessionError::TokenResult(
                "the reply has no token_result".to_owned(),
            )),
        }
    }
}

/// `taobao.top.auth.token.create`: an authorization code → a session.
#[derive(Clone)]
pub struct TokenCreateRequest {
    code: Secret,
    uuid: Option<String>,
}

impl TokenCreateRequest {
    /// For the `code` TOP sent to the redirect URI.
    pub fn new(code: impl Into<Secret>) -> Self {
        TokenCreateRequest {
            code: code.into(),
            uuid: None,
        }
    }

    /// The `uuid` the code was made with, if any.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

impl fmt::Debug for TokenCreateRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCreateRequest")
            .field("code", &self.code)
            .field("uuid", &self.uuid)
            .finish()
    }
}

impl Request for TokenCreateRequest {
    type Response = TokenResponse;
    const METHOD: &'static str = "taobao.top.auth.token.create";
    const RESPONSE_KEY: &'static str = "top_auth_token_create_response";
    const REQUIRES_SESSION: bool = false;

    fn encode(&self, params: &mut Params) -> Result<(), ParamError> {
        params.push_required("code", &self.code)?;
        if let Some(uuid) = &self.uuid {
            params.push("uuid", uuid);
        }
        Ok(())
    }
}

/// `taobao.top.auth.token.refresh`: a refresh token → a new session.
#[derive(Clone, Debug)]
pub struct TokenRefreshRequest {
    refresh_token: Secret,
}

impl TokenRefreshRequest {
    /// For `refresh_token`.
    pub fn new(refresh_token: impl Into<Secret>) -> Self {
        TokenRefreshRequest {
            refresh_token: refresh_token.into(),
        }
    }
}

impl Request for TokenRefreshRequest {
    type Response = TokenResponse;
    const METHOD: &'static str = "taobao.top.auth.token.refresh";
    const RESPONSE_KEY: &'static str = "top_auth_token_refresh_response";
    const REQUIRES_SESSION: bool = false;

    fn encode(&self, params: &mut Params) -> Result<(), ParamError> {
        params.push_required("refresh_token", &self.refresh_token)
    }
}

/// The token APIs through a [`Client`], over HTTPS only.
#[derive(Clone, Debug)]
pub struct Auth {
    client: Client,
    allow_http_loopback: bool,
}

impl Auth {
    /// Token calls through `client` (its endpoint must be `https`).
    pub fn new(client: Client) -> Self {
        Auth {
            client,
            allow_http_loopback: false,
        }
    }

    /// **For tests**: also allows a plain-HTTP endpoint whose host is a loopback address
    /// (`127.0.0.0/8`, `[::1]`, `localhost`), such as a local gateway. Any other HTTP
    /// endpoint is still refused.
    pub fn allow_http_loopback(mut self) -> Self {
        self.allow_http_loopback = true;
        self
    }

    /// The client calls go through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn check_endpoint(&self) -> Result<(), Error> {
        let url = Url::parse(self.client.endpoint())
            .map_err(|e| Error::Config(format!("the endpoint is not a valid URL: {e}")))?;
        let host = url.host_str().unwrap_or("");
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let loopback = host.eq_ignore_ascii_case("localhost")
            || bare
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        match url.scheme() {
            "https" => Ok(()),
            "http" if self.allow_http_loopback && loopback => Ok(()),
            _ => Err(SessionError::InsecureEndpoint.into()),
        }
    }

    /// Sends `request` (HTTPS checked first) and reads the token.
    pub async fn execute<R>(&self, request: &R) -> Result<Token, Error>
    where
        R: Request<Response = TokenResponse>,
    {
        self.check_endpoint()?;
        let response = self.client.execute(request).await?;
        Ok(response.token(Instant::now())?)
    }

    /// Turns the authorization `code` into a session (`taobao.top.auth.token.create`).
    pub async fn create_token(&self, code: impl Into<Secret>) -> Result<Token, Error> {
        self.execute(&TokenCreateRequest::new(code)).await
    }

    /// Renews a session with its refresh token (`taobao.top.auth.token.refresh`).
    pub async fn refresh_token(&self, refresh_token: &Secret) -> Result<Token, Error> {
        self.execute(&TokenRefreshRequest::new(refresh_token.clone()))
            .await
    }
}

/// Where calls that need a session get it: set one with
/// [`CallOptions::session_provider`](crate::CallOptions::session_provider). Called once per
/// call that needs a session and was given none ([`Request::REQUIRES_SESSION`]); implement it
/// over your own store (a database, a cache) or use [`MemorySession`].
pub trait SessionProvider: Send + Sync {
    /// The session to sign a call with, renewed first if need be.
    fn session(&self) -> BoxFuture<'_, Result<Secret, Error>>;
}

/// A [`SessionProvider`] holding one user's [`Token`] in memory, renewed ahead of its expiry
/// (by default 5 minutes ahead; [`MemorySession::refresh_ahead`]) with
/// [`Auth::refresh_token`]: by one call, the others waiting for its result, so a burst of
/// calls makes one refresh request.
///
/// When the renewal fails, the current token is used while it has not expired; after that
/// the failure is returned ([`SessionError::RefreshTokenExpired`], TOP's error…).
pub struct MemorySession {
    auth: Auth,
    token: tokio::sync::Mutex<Token>,
    refresh_ahead: Duration,
    refreshes: AtomicU64,
}

impl MemorySession {
    /// Holds `token`, renewed through `auth`.
    pub fn new(auth: Auth, token: Token) -> Self {
        MemorySession {
            auth,
            token: tokio::sync::Mutex::new(token),
            refresh_ahead: Duration::from_secs(300),
            refreshes: AtomicU64::new(0),
        }
    }

    /// How long before the access token expires it is renewed (default 5 minutes); at most
    /// half the token's lifetime, so that a fresh token is not renewed at once.
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    /// Shares it, as [`CallOptions::session_provider`](crate::CallOptions::session_provider)
    /// takes it.
    pub fn shared(self) -> Arc<MemorySession> {
        Arc::new(self)
    }

    /// The current token (a copy).
    pub async fn token(&self) -> Token {
        self.token.lock().await.clone()
    }

    /// How many renewals were made.
    pub fn refreshes(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    async fn current(&self) -> Result<Secret, Error> {
        // Held while renewing: calls that arrive meanwhile wait and get the new token.
        let mut token = self.token.lock().await;
        let now = Instant::now();
        // At most half the lifetime ahead: a fresh token is not renewed at once.
        let ahead = self.refresh_ahead.min(token.expires_in / 2);
        let renew_at = token
            .expires_at()
            .checked_sub(ahead)
            .unwrap_or(token.issued_at);
        if now < renew_at {
            return Ok(token.access_token.clone());
        }
        let expired = now >= token.expires_at();
        let failure: Error = match (&token.refresh_token, token.can_refresh_at(now)) {
            (None, _) => SessionError::NoRefreshToken.into(),
            (Some(_), false) => SessionError::RefreshTokenExpired.into(),
            (Some(refresh), true) => {
                let refresh = refresh.clone();
                match self.auth.refresh_token(&refresh).await {
                    Ok(fresh) => {
                        self.refreshes.fetch_add(1, Ordering::Relaxed);
                        tracing::debug!(
                            expires_in_s = fresh.expires_in.as_secs(),
                            "session renewed"
                        );
                        *token = fresh;
                        return Ok(token.access_token.clone());
                    }
                    Err(e) => e,
                }
            }
        };
        if expired {
            Err(failure)
        } else {
            tracing::info!(error = %failure, "the session could not be renewed; using it until it expires");
            Ok(token.access_token.clone())
        }
    }
}

impl SessionProvider for MemorySession {
    fn session(&self) -> BoxFuture<'_, Result<Secret, Error>> {
        Box::pin(self.current())
    }
}

impl fmt::Debug for MemorySession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemorySession")
            .field("auth", &self.auth)
            .field("refresh_ahead", &self.refresh_ahead)
            .field("refreshes", &self.refreshes())
            .finish_non_exhaustive()
    }
}

/// `options` with the provider's session, when the API needs one, `options` gives none and
/// has a provider; `None` when nothing is to be added.
pub(crate) async fn provided<R: Request>(
    options: &crate::CallOptions,
) -> Result<Option<crate::CallOptions>, Error> {
    let given = options
        .session
        .as_ref()
        .is_some_and(|s| !crate::sign::is_blank(s.expose_secret()));
    match &options.provider {
        Some(provider) if R::REQUIRES_SESSION && !given => {
            let session = provider.session().await?;
            Ok(Some(options.clone().session(session)))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_urls() {
        let url = AuthorizeUrl::new("k 1", "https://a.example/cb?x=1&y=é").to_string();
        assert_eq!(
            url,
            "https://oauth.taobao.com/authorize?response_type=code&client_id=k+1\
             &redirect_uri=https%3A%2F%2Fa.example%2Fcb%3Fx%3D1%26y%3D%C3%A9"
        );
        let sandbox = AuthorizeUrl::new("k", "https://a/")
            .sandbox()
            .view(View::Tmall)
            .state("s&t=1");
        assert_eq!(
            sandbox.to_string(),
            "https://oauth.tbsandbox.com/authorize?response_type=code&client_id=k\
             &redirect_uri=https%3A%2F%2Fa%2F&state=s%26t%3D1&view=tmall"
        );
        // It parses back to the same pairs.
        let parsed = Url::parse(&sandbox.to_string()).unwrap();
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(pairs[3], ("state".to_owned(), "s&t=1".to_owned()));
    }

    #[test]
    fn tokens_are_read_leniently_and_strictly() {
        let at = Instant::now();
        let text = r#"{"w1_expires_in":1800,"refresh_token_valid_time":1,"taobao_user_nick":"%E5%95%86","re_expires_in":"7200","expire_time":1,"taobao_user_id":"2200000000000001","token_type":"Bearer","access_token":"at-1","refresh_token":"rt-1","r1_expires_in":86400,"r2_expires_in":3600,"w2_expires_in":600,"expires_in":86400}"#;
        let token = Token::from_json(text, at).unwrap();
        assert_eq!(token.access_token.expose_secret(), "at-1");
        assert_eq!(
            token.refresh_token.as_ref().map(Secret::expose_secret),
            Some("rt-1")
        );
        assert_eq!(token.expires_at(), at + Duration::from_secs(86_400));
        assert_eq!(
            token.refresh_expires_at(),
            Some(at + Duration::from_secs(7_200))
        );
        assert_eq!(token.w2_expires_in, Some(Duration::from_secs(600)));
        assert_eq!(token.user_id.as_deref(), Some("2200000000000001"));
        assert!(token.can_refresh_at(at));
        assert!(!token.can_refresh_at(at + Duration::from_secs(7_200)));
        let debug = format!("{token:?}");
        assert!(
            !debug.contains("at-1") && !debug.contains("rt-1"),
            "{debug}"
        );

        let cases = [
            ("not json", "token_result is not JSON"),
            ("[]", "not a JSON object"),
            (r#"{"expires_in":1}"#, "no access_token"),
            (r#"{"access_token":"secret-x"}"#, "no expires_in"),
            (
                r#"{"access_token":"secret-x","expires_in":"soon"}"#,
                "expires_in is not a number",
            ),
            (
                r#"{"access_token":"secret-x","expires_in":-1}"#,
                "expires_in is not a number",
            ),
            (
                r#"{"access_token":{"a":1},"expires_in":1}"#,
                "access_token is not a string",
            ),
        ];
        for (text, part) in cases {
            let err = Token::from_json(text, at).unwrap_err().to_string();
            assert!(err.contains(part), "{text}: {err}");
            assert!(!err.contains("secret-x"), "{err}");
        }
        // The reply field: a JSON string, or an object.
        let string = TokenResponse {
            token_result: Some(serde_json::Value::String(
                r#"{"access_token":"a","expires_in":5}"#.to_owned(),
            )),
        };
        assert_eq!(string.token(at).unwrap().expires_in, Duration::from_secs(5));
        let object = TokenResponse {
            token_result: Some(serde_json::json!({"access_token": "a", "expires_in": 5})),
        };
        assert_eq!(object.token(at).unwrap().access_token.expose_secret(), "a");
        assert!(TokenResponse { token_result: None }.token(at).is_err());
        assert!(
            TokenResponse {
                token_result: Some(serde_json::json!(3))
            }
            .token(at)
            .is_err()
        );
    }

    #[test]
    fn token_calls_need_https() {
        let client = |endpoint: &str| {
            Client::builder("k", "s")
                .endpoint(endpoint)
                .build()
                .unwrap()
        };
        let ok = [
            ("https://eco.taobao.com/router/rest", false),
            ("http://127.0.0.1:9/router/rest", true),
            ("http://127.1.2.3:9/router/rest", true),
            ("http://[::1]:9/router/rest", true),
            ("http://localhost:9/router/rest", true),
        ];
        for (endpoint, loopback) in ok {
            let auth = Auth::new(client(endpoint));
            let auth = if loopback {
                auth.allow_http_loopback()
            } else {
                auth
            };
            assert!(auth.check_endpoint().is_ok(), "{endpoint}");
        }
        let refused = [
            ("http://gw.api.taobao.com/router/rest", true),
            ("http://10.0.0.1/router/rest", true),
            ("http://127.0.0.1:9/router/rest", false),
        ];
        for (endpoint, opt_in) in refused {
            let auth = Auth::new(client(endpoint));
            let auth = if opt_in {
                auth.allow_http_loopback()
            } else {
                auth
            };
            let err = auth.check_endpoint().unwrap_err();
            assert!(
                matches!(err, Error::Session(SessionError::InsecureEndpoint)),
                "{endpoint}: {err}"
            );
        }
    }
}
