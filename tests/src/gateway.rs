//! A local TOP gateway: a real HTTP server on `127.0.0.1` that checks requests the way the Taobao
//! Open Platform does and answers like it, for tests of TOP clients (ours, and yours).
//!
//! Declare the apps (app key + secret) and the APIs it serves, each with its required business
//! params and the reply to give; point a client at [`Gateway::endpoint`]; afterwards read what
//! it received with [`Gateway::requests`]. The server stops when the [`Gateway`] is dropped.
//!
//! ```
//! use topgen_client::WdkIotWombatCommonGettokenRequest;
//! use topgen_tests::gateway::{Api, Gateway, Reply, Verdict};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let gateway = Gateway::builder()
//!     .app("12345678", "my-test-secret")
//!     .api(
//!         Api::new("taobao.wdk.iot.wombat.common.gettoken")
//!             .required(["robot_sn"])
//!             .reply(Reply::json(
//!                 r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":true}}}"#,
//!             )),
//!     )
//!     .start()
//!     .await
//!     .expect("binds a port on 127.0.0.1");
//!
//! let client = topgen_runtime::Client::builder("12345678", "my-test-secret")
//!     .endpoint(gateway.endpoint())
//!     .build()
//!     .unwrap();
//! let response = client
//!     .execute(&WdkIotWombatCommonGettokenRequest::new().robot_sn("xxxxx"))
//!     .await
//!     .unwrap();
//! assert_eq!(response.result.unwrap().success, Some(true));
//!
//! let requests = gateway.requests();
//! assert_eq!(requests.len(), 1);
//! assert_eq!(requests[0].verdict, Verdict::Ok);
//! assert_eq!(requests[0].body_param("robot_sn"), Some("xxxxx"));
//! # });
//! ```
//!
//! # What it checks
//!
//! Every request is checked in this order; the first violation is answered with TOP's
//! `error_response` JSON (HTTP 200), `{"error_response":{"code":…,"msg":…,"sub_code":…,
//! "sub_msg":…,"request_id":…}}`, and recorded as [`Verdict::Rejected`]:
//!
//! | check | code | sub_code |
//! |---|---|---|
//! | HTTP method is `POST` | 9 | `isv.http-action-not-allowed` |
//! | path is `/router/rest` | 9 | `isv.http-action-not-allowed` |
//! | query and body are UTF-8; a body's charset, if given, is UTF-8 | 47 | `isv.invalid-encoding` |
//! | a non-empty body is `application/x-www-form-urlencoded` | 41 | `isv.invalid-content-type` |
//! | only system params in the URL query, none in the body, none sent twice | 41 | `isv.invalid-parameter:NAME` |
//! | no empty or whitespace-only value (clients must not send them) | 41 | `isv.invalid-parameter:NAME` |
//! | `method` present / one of the declared APIs | 21 / 22 | `isv.missing-method` / `isv.invalid-method` |
//! | `app_key` present / one of the declared apps | 28 / 29 | `isv.missing-app-key` / `isv.invalid-app-key` |
//! | `timestamp` present / exactly `yyyy-MM-dd HH:mm:ss`, at most 10 minutes from now at GMT+8 | 30 / 31 | `isv.missing-timestamp` / `isv.invalid-timestamp` |
//! | `v` present / `2.0` | 32 / 33 | `isv.missing-version` / `isv.invalid-version` |
//! | `format` is `json` (TOP's default is XML) | 23 | `isv.invalid-format` |
//! | `sign_method` is `md5`, `hmac` or `hmac-sha256` | 25 | `isv.invalid-signature` |
//! | `sign` present / matches the params and the app's secret | 24 / 25 | `isv.missing-signature` / `isv.invalid-signature` |
//! | `session` present if the API needs one / one of the declared sessions, if any | 26 / 27 | `isv.missing-session` / `isv.invalid-session` |
//! | every required business param present | 40 | `isv.missing-parameter:NAME` |
//!
//! System params are `method, app_key, timestamp, v, sign, sign_method, format` and, optionally,
//! `session, partner_id, target_app_key, simplify`. The sign is recomputed with
//! [`topgen_runtime::sign::sign`] over every query param except `sign` plus every body param.
//! A request that passes gets the API's [`Reply`], verbatim (a success body, a TOP error body,
//! or any HTTP answer). File uploads (`multipart/form-data`) are not supported.
//!
//! Secrets (app secrets, sessions) are never shown by this module's `Debug` output nor in the
//! replies it sends.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;
use topgen_runtime::DateTime;
use topgen_runtime::sign::{SignMethod, sign};

/// The path of every TOP call.
pub const PATH: &str = "/router/rest";

/// The params that belong in the URL query, and only there.
pub const SYSTEM_PARAMS: &[&str] = &[
    "method",
    "app_key",
    "timestamp",
    "v",
    "sign",
    "sign_method",
    "format",
    "session",
    "partner_id",
    "target_app_key",
    "simplify",
];

/// Params whose values are secrets: [`Recorded`]'s `Debug` prints them as `***`.
const SECRET_PARAMS: &[&str] = &["session"];

/// TOP's default allowed clock skew between a request's `timestamp` and the server.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(10 * 60);

/// A text that is never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
struct Hidden(String);

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// What the gateway answers to a request that passes its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type` of the answer.
    pub content_type: String,
    /// The whole body, sent verbatim.
    pub body: String,
    /// How long to wait before answering (for timeout tests).
    pub delay: Option<Duration>,
}

impl Reply {
    /// HTTP 200 with a JSON body, verbatim: a success reply (`{"<name>_response": {…}}`) or a TOP
    /// error (`{"error_response": {…}}`), e.g. a spec's `examples.response_json`.
    pub fn json(body: impl Into<String>) -> Self {
        Self::http(200, "application/json;charset=UTF-8", body)
    }

    /// Any HTTP answer, e.g. a `502` with an HTML page.
    pub fn http(status: u16, content_type: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            status,
            content_type: content_type.into(),
            body: body.into(),
            delay: None,
        }
    }

    /// Waits this long before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

impl Default for Reply {
    /// An empty JSON object: a success with no fields.
    fn default() -> Self {
        Self::json("{}")
    }
}

/// One API the gateway serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    method: String,
    required: Vec<String>,
    needs_session: bool,
    reply: Reply,
}

impl Api {
    /// The API named `method` (`taobao.wdk.iot.wombat.common.gettoken`), with no required params,
    /// no session needed, and [`Reply::default`].
    pub fn new(method: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            required: Vec::new(),
            needs_session: false,
            reply: Reply::default(),
        }
    }

    /// Adds required business params: a request without one gets error 40.
    pub fn required<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.required.extend(names.into_iter().map(Into::into));
        self
    }

    /// Whether the API needs a user's `session` (error 26 without one).
    pub fn needs_session(mut self, needs: bool) -> Self {
        self.needs_session = needs;
        self
    }

    /// What to answer to a request that passes the checks.
    pub fn reply(mut self, reply: Reply) -> Self {
        self.reply = reply;
        self
    }

    /// The API's method name.
    pub fn method(&self) -> &str {
        &self.method
    }
}

/// Why a request was refused: the fields of the `error_response` that was sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// TOP's error code (25 for a bad sign, 40 for a missing param, …).
    pub code: i64,
    /// TOP's message for the code (`Invalid Signature`).
    pub msg: String,
    /// `isv.*` detail code (`isv.missing-parameter:robot_sn`).
    pub sub_code: String,
    /// What exactly was wrong, in words.
    pub sub_msg: String,
}

impl Rejection {
    fn new(code: i64, msg: &str, sub_code: impl Into<String>, sub_msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.to_owned(),
            sub_code: sub_code.into(),
            sub_msg: sub_msg.into(),
        }
    }

    fn param(code: i64, msg: &str, kind: &str, name: &str, sub_msg: String) -> Self {
        Self::new(code, msg, format!("isv.{kind}:{name}"), sub_msg)
    }
}

/// The gateway's judgement of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It passed every check and got the API's reply.
    Ok,
    /// It broke a rule and got this `error_response`.
    Rejected(Rejection),
}

impl Verdict {
    /// The error code of a rejection, `None` for [`Verdict::Ok`].
    pub fn code(&self) -> Option<i64> {
        match self {
            Verdict::Ok => None,
            Verdict::Rejected(r) => Some(r.code),
        }
    }
}

/// One request the gateway received, as it arrived, with its verdict.
#[derive(Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The HTTP method (`POST`).
    pub http_method: String,
    /// The URL path (`/router/rest`).
    pub path: String,
    /// The URL query params, decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// The form body params, decoded, in the order sent (empty if the body was not a form).
    pub body: Vec<(String, String)>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `request_id` the gateway gave the call (in its error replies).
    pub request_id: String,
    /// What the gateway made of it.
    pub verdict: Verdict,
}

impl Recorded {
    /// The first value of a URL query param.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        find(&self.query, name)
    }

    /// The first value of a body param.
    pub fn body_param(&self, name: &str) -> Option<&str> {
        find(&self.body, name)
    }

    /// The body params as a map (the last value wins if one was sent twice).
    pub fn body_map(&self) -> BTreeMap<&str, &str> {
        self.body
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Params as `Debug` shows them: secret values replaced by `***`.
struct RedactedPairs<'a>(&'a [(String, String)]);

impl fmt::Debug for RedactedPairs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (k, v) in self.0 {
            if SECRET_PARAMS.contains(&k.as_str()) {
                list.entry(&(k, "***"));
            } else {
                list.entry(&(k, v));
            }
        }
        list.finish()
    }
}

impl fmt::Debug for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("http_method", &self.http_method)
            .field("path", &self.path)
            .field("query", &RedactedPairs(&self.query))
            .field("body", &RedactedPairs(&self.body))
            .field("content_type", &self.content_type)
            .field("request_id", &self.request_id)
            .field("verdict", &self.verdict)
            .finish()
    }
}

/// What the gateway knows: apps, APIs, sessions, clock.
#[derive(Debug, Clone)]
struct Config {
    apps: BTreeMap<String, Hidden>,
    apis: BTreeMap<String, Api>,
    sessions: Vec<Hidden>,
    clock: Option<DateTime>,
    max_skew: Duration,
}

/// Builds a [`Gateway`]; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct GatewayBuilder {
    config: Config,
}

impl GatewayBuilder {
    /// Adds an app: its `app_key` and the secret its requests are signed with.
    pub fn app(mut self, app_key: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config
            .apps
            .insert(app_key.into(), Hidden(secret.into()));
        self
    }

    /// Adds an API (replacing a previous one of the same method).
    pub fn api(mut self, api: Api) -> Self {
        self.config.apis.insert(api.method.clone(), api);
        self
    }

    /// Adds a valid user session. Once any is declared, a request carrying another `session`
    /// gets error 27; without any, every non-empty session is accepted.
    pub fn session(mut self, session: impl Into<String>) -> Self {
        self.config.sessions.push(Hidden(session.into()));
        self
    }

    /// Fixes the gateway's clock, against which timestamps are checked (default: the real
    /// time, [`topgen_runtime::time::now`]). Lets a test replay a captured request.
    pub fn clock(mut self, now: DateTime) -> Self {
        self.config.clock = Some(now);
        self
    }

    /// How far a request's `timestamp` may be from the gateway's clock (default 10 minutes,
    /// like TOP).
    pub fn max_skew(mut self, skew: Duration) -> Self {
        self.config.max_skew = skew;
        self
    }

    /// Binds a free port on `127.0.0.1` and starts serving in the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Gateway> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config: Mutex::new(self.config),
            log: Mutex::new(Vec::new()),
            counter: AtomicU64::new(0),
        });
        let app = Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async move {
                // Either a message or the sender being dropped means stop.
                let _ = rx.await;
            };
            // An accept error ends the server; the clients then see connection errors.
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await;
        });
        Ok(Gateway {
            addr,
            shared,
            shutdown: Some(tx),
        })
    }
}

/// State shared between the [`Gateway`] handle and the server task.
struct Shared {
    config: Mutex<Config>,
    log: Mutex<Vec<Recorded>>,
    counter: AtomicU64,
}

/// Locks a mutex, recovering the data if a holder panicked (the data stays consistent: every
/// critical section is a single push or replace).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running local TOP gateway; stops serving when dropped. See the [module docs](self).
pub struct Gateway {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gateway")
            .field("endpoint", &self.endpoint())
            .field("config", &*lock(&self.shared.config))
            .finish()
    }
}

impl Gateway {
    /// A gateway with no apps and no APIs; add them with the builder's methods.
    pub fn builder() -> GatewayBuilder {
        GatewayBuilder {
            config: Config {
                apps: BTreeMap::new(),
                apis: BTreeMap::new(),
                sessions: Vec::new(),
                clock: None,
                max_skew: DEFAULT_MAX_SKEW,
            },
        }
    }

    /// The URL to give a TOP client: `http://127.0.0.1:PORT/router/rest`.
    pub fn endpoint(&self) -> String {
        format!("http://{}{PATH}", self.addr)
    }

    /// The address the gateway listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.log).clone()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Adds an API while running, or replaces the one of the same method (e.g. to change its
    /// reply between two calls).
    pub fn api(&self, api: Api) {
        lock(&self.shared.config)
            .apis
            .insert(api.method.clone(), api);
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            // The server may already have stopped; nothing to do then.
            let _ = tx.send(());
        }
    }
}

/// A request as it arrived, before judgement.
struct Incoming {
    http_method: Method,
    path: String,
    raw_query: Option<String>,
    content_type: Option<String>,
    body: Bytes,
}

/// What [`judge`] extracted on the way: the decoded params (as far as decoding got).
#[derive(Default)]
struct Decoded {
    query: Vec<(String, String)>,
    body: Vec<(String, String)>,
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    http_method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let incoming = Incoming {
        http_method,
        path: uri.path().to_owned(),
        raw_query: uri.query().map(str::to_owned),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        body,
    };
    let n = shared.counter.fetch_add(1, Ordering::Relaxed) + 1;
    let request_id = format!("gateway-{n}");
    let config = lock(&shared.config).clone();
    let now = config.clock.unwrap_or_else(topgen_runtime::time::now);
    let mut decoded = Decoded::default();
    let outcome = judge(&config, &incoming, now, &mut decoded);
    let verdict = match &outcome {
        Ok(_) => Verdict::Ok,
        Err(rejection) => Verdict::Rejected(rejection.clone()),
    };
    lock(&shared.log).push(Recorded {
        http_method: incoming.http_method.as_str().to_owned(),
        path: incoming.path,
        query: decoded.query,
        body: decoded.body,
        content_type: incoming.content_type,
        request_id: request_id.clone(),
        verdict,
    });
    match outcome {
        Ok(reply) => send_reply(reply).await,
        Err(rejection) => error_response(&rejection, &request_id),
    }
}

async fn send_reply(reply: Reply) -> Response {
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = HeaderValue::from_str(&reply.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (status, [(header::CONTENT_TYPE, content_type)], reply.body).into_response()
}

fn error_response(rejection: &Rejection, request_id: &str) -> Response {
    let body = serde_json::json!({
        "error_response": {
            "code": rejection.code,
            "msg": rejection.msg,
            "sub_code": rejection.sub_code,
            "sub_msg": rejection.sub_msg,
            "request_id": request_id,
        }
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
        body.to_string(),
    )
        .into_response()
}

/// Checks a request like TOP; the API's reply if it passes, the first violation otherwise.
fn judge(
    config: &Config,
    req: &Incoming,
    now: DateTime,
    decoded: &mut Decoded,
) -> Result<Reply, Rejection> {
    // HTTP method and path.
    if req.http_method != Method::POST {
        return Err(Rejection::new(
            9,
            "Http Action Not Allowed",
            "isv.http-action-not-allowed",
            format!("TOP calls are POSTs; got {}", req.http_method),
        ));
    }
    if req.path != PATH {
        return Err(Rejection::new(
            9,
            "Http Action Not Allowed",
            "isv.http-action-not-allowed",
            format!("TOP calls go to {PATH}; got {}", req.path),
        ));
    }

    // Encoding and content type.
    decoded.query = match &req.raw_query {
        Some(q) => decode_form(q.as_bytes()).map_err(|_| invalid_encoding("the URL query"))?,
        None => Vec::new(),
    };
    if !req.body.is_empty() {
        check_content_type(req.content_type.as_deref())?;
        decoded.body = decode_form(&req.body).map_err(|_| invalid_encoding("the body"))?;
    }
    let query = &decoded.query;
    let body = &decoded.body;

    // Placement: system params in the query only, business params in the body only.
    for (i, (k, _)) in query.iter().enumerate() {
        if !SYSTEM_PARAMS.contains(&k.as_str()) {
            return Err(invalid_param(
                k,
                format!("business param {k} must be sent in the body, not in the URL query"),
            ));
        }
        if query[..i].iter().any(|(seen, _)| seen == k) {
            return Err(invalid_param(k, format!("param {k} is sent twice")));
        }
    }
    for (i, (k, _)) in body.iter().enumerate() {
        if SYSTEM_PARAMS.contains(&k.as_str()) {
            return Err(invalid_param(
                k,
                format!("system param {k} must be sent in the URL query, not in the body"),
            ));
        }
        if body[..i].iter().any(|(seen, _)| seen == k) {
            return Err(invalid_param(k, format!("param {k} is sent twice")));
        }
    }
    for (k, v) in query.iter().chain(body) {
        if k.trim().is_empty() {
            return Err(invalid_param(k, "a param has an empty name".to_owned()));
        }
        if v.trim().is_empty() {
            return Err(invalid_param(
                k,
                format!("param {k} has an empty value; TOP clients must not send empty params"),
            ));
        }
    }

    // System params.
    let method = find(query, "method").ok_or_else(|| {
        Rejection::new(
            21,
            "Missing Method",
            "isv.missing-method",
            "the URL query has no method",
        )
    })?;
    let api = config.apis.get(method).ok_or_else(|| {
        Rejection::new(
            22,
            "Invalid Method",
            "isv.invalid-method",
            format!("this gateway serves no API named {method}"),
        )
    })?;
    let app_key = find(query, "app_key").ok_or_else(|| {
        Rejection::new(
            28,
            "Missing App Key",
            "isv.missing-app-key",
            "the URL query has no app_key",
        )
    })?;
    let secret = config.apps.get(app_key).ok_or_else(|| {
        Rejection::new(
            29,
            "Invalid App Key",
            "isv.invalid-app-key",
            format!("this gateway knows no app with app_key {app_key}"),
        )
    })?;
    check_timestamp(find(query, "timestamp"), now, config.max_skew)?;
    match find(query, "v") {
        None => {
            return Err(Rejection::new(
                32,
                "Missing Version",
                "isv.missing-version",
                "the URL query has no v",
            ));
        }
        Some("2.0") => {}
        Some(v) => {
            return Err(Rejection::new(
                33,
                "Invalid Version",
                "isv.invalid-version",
                format!("v must be 2.0; got {v}"),
            ));
        }
    }
    match find(query, "format") {
        Some("json") => {}
        other => {
            return Err(Rejection::new(
                23,
                "Invalid Format",
                "isv.invalid-format",
                format!(
                    "format must be json (TOP answers XML without it); got {}",
                    other.unwrap_or("none")
                ),
            ));
        }
    }
    let sign_method = find(query, "sign_method")
        .and_then(|m| m.parse::<SignMethod>().ok())
        .ok_or_else(|| {
            Rejection::new(
                25,
                "Invalid Signature",
                "isv.invalid-signature",
                "sign_method must be md5, hmac or hmac-sha256",
            )
        })?;
    let sent_sign = find(query, "sign").ok_or_else(|| {
        Rejection::new(
            24,
            "Missing Signature",
            "isv.missing-signature",
            "the URL query has no sign",
        )
    })?;
    let signed: Vec<(&str, &str)> = query
        .iter()
        .chain(body)
        .filter(|(k, _)| k != "sign")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let expected = sign(&signed, None, &secret.0, sign_method);
    if expected != sent_sign {
        return Err(Rejection::new(
            25,
            "Invalid Signature",
            "isv.invalid-signature",
            format!(
                "sign does not match the params and the app's secret (sign_method {})",
                sign_method.as_str()
            ),
        ));
    }

    // Session.
    match find(query, "session") {
        None if api.needs_session => {
            return Err(Rejection::new(
                26,
                "Missing Session",
                "isv.missing-session",
                format!("{method} needs a user's session"),
            ));
        }
        Some(session)
            if !config.sessions.is_empty() && !config.sessions.iter().any(|s| s.0 == session) =>
        {
            return Err(Rejection::new(
                27,
                "Invalid Session",
                "isv.invalid-session",
                "the session is not one this gateway issued",
            ));
        }
        _ => {}
    }

    // Business params.
    if let Some(missing) = api.required.iter().find(|name| find(body, name).is_none()) {
        return Err(Rejection::param(
            40,
            "Missing Required Arguments",
            "missing-parameter",
            missing,
            format!("required param {missing} is missing"),
        ));
    }
    Ok(api.reply.clone())
}

fn invalid_param(name: &str, sub_msg: String) -> Rejection {
    Rejection::param(41, "Invalid Arguments", "invalid-parameter", name, sub_msg)
}

fn invalid_encoding(what: &str) -> Rejection {
    Rejection::new(
        47,
        "Invalid Encoding",
        "isv.invalid-encoding",
        format!("{what} is not UTF-8"),
    )
}

/// A non-empty body must be a UTF-8 form.
fn check_content_type(content_type: Option<&str>) -> Result<(), Rejection> {
    let content_type = content_type.unwrap_or("");
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    if media != "application/x-www-form-urlencoded" {
        let hint = if media == "multipart/form-data" {
            " (file uploads are not supported by this test gateway)"
        } else {
            ""
        };
        return Err(Rejection::new(
            41,
            "Invalid Arguments",
            "isv.invalid-content-type",
            format!(
                "business params go in an application/x-www-form-urlencoded body; got content type {content_type:?}{hint}"
            ),
        ));
    }
    for param in parts {
        if let Some((name, value)) = param.split_once('=') {
            let value = value.trim().trim_matches('"');
            if name.trim().eq_ignore_ascii_case("charset") && !value.eq_ignore_ascii_case("utf-8") {
                return Err(Rejection::new(
                    47,
                    "Invalid Encoding",
                    "isv.invalid-encoding",
                    format!("the body's charset must be UTF-8; got {value}"),
                ));
            }
        }
    }
    Ok(())
}

/// Checks `timestamp`: present, exactly `yyyy-MM-dd HH:mm:ss`, within `max_skew` of `now`.
fn check_timestamp(
    timestamp: Option<&str>,
    now: DateTime,
    max_skew: Duration,
) -> Result<(), Rejection> {
    let Some(timestamp) = timestamp else {
        return Err(Rejection::new(
            30,
            "Missing Timestamp",
            "isv.missing-timestamp",
            "the URL query has no timestamp",
        ));
    };
    let invalid =
        |why: String| Rejection::new(31, "Invalid Timestamp", "isv.invalid-timestamp", why);
    let shape_ok = timestamp.len() == 19
        && timestamp.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b' ',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    let parsed = if shape_ok {
        topgen_runtime::time::parse(timestamp).ok()
    } else {
        None
    };
    let Some(parsed) = parsed else {
        return Err(invalid(format!(
            "timestamp must be yyyy-MM-dd HH:mm:ss at GMT+8; got {timestamp:?}"
        )));
    };
    let skew = (parsed - now).num_seconds().unsigned_abs();
    if skew > max_skew.as_secs() {
        return Err(invalid(format!(
            "timestamp {timestamp} is {skew} s away from the gateway's clock ({}, GMT+8); at most {} s allowed",
            topgen_runtime::time::format(&now),
            max_skew.as_secs()
        )));
    }
    Ok(())
}

/// Decodes `application/x-www-form-urlencoded` text strictly: `+` is a space, `%XX` a byte, and
/// every name and value must be UTF-8. An invalid `%` sequence is kept literally (as browsers
/// do). Empty segments (`a=1&&b=2`) are skipped.
fn decode_form(input: &[u8]) -> Result<Vec<(String, String)>, std::string::FromUtf8Error> {
    let mut pairs = Vec::new();
    for segment in input.split(|&b| b == b'&') {
        if segment.is_empty() {
            continue;
        }
        let (name, value) = match segment.iter().position(|&b| b == b'=') {
            Some(i) => (&segment[..i], &segment[i + 1..]),
            None => (segment, &b""[..]),
        };
        pairs.push((percent_decode(name)?, percent_decode(value)?));
    }
    Ok(pairs)
}

fn percent_decode(input: &[u8]) -> Result<String, std::string::FromUtf8Error> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = input.get(i + 1..i + 3).and_then(|h| {
                    let h = std::str::from_utf8(h).ok()?;
                    u8::from_str_radix(h, 16).ok()
                });
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_is_strict_utf8() {
        assert_eq!(
            decode_form(b"a=1&b=x+y%26z&&c=%E6%9C%BA&d").unwrap(),
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "x y&z".to_owned()),
                ("c".to_owned(), "机".to_owned()),
                ("d".to_owned(), String::new()),
            ]
        );
        assert_eq!(decode_form(b"a=%zz%4").unwrap()[0].1, "%zz%4");
        assert!(decode_form(b"a=%FF").is_err());
    }

    #[test]
    fn content_type_must_be_a_utf8_form() {
        assert!(
            check_content_type(Some("application/x-www-form-urlencoded;charset=UTF-8")).is_ok()
        );
        assert!(check_content_type(Some("Application/X-WWW-Form-Urlencoded")).is_ok());
        assert_eq!(
            check_content_type(Some("application/x-www-form-urlencoded; charset=GBK"))
                .unwrap_err()
                .code,
            47
        );
        let multipart = check_content_type(Some("multipart/form-data; boundary=x")).unwrap_err();
        assert_eq!(multipart.sub_code, "isv.invalid-content-type");
        assert!(multipart.sub_msg.contains("not supported"));
        assert_eq!(check_content_type(None).unwrap_err().code, 41);
        assert_eq!(
            check_content_type(Some("application/json"))
                .unwrap_err()
                .code,
            41
        );
    }

    #[test]
    fn timestamps_must_have_the_exact_shape_and_be_near() {
        let now = topgen_runtime::time::parse("2026-11-28 12:00:00").unwrap();
        let skew = DEFAULT_MAX_SKEW;
        assert!(check_timestamp(Some("2026-11-28 12:00:00"), now, skew).is_ok());
        assert!(check_timestamp(Some("2026-11-28 12:10:00"), now, skew).is_ok());
        assert!(check_timestamp(Some("2026-11-28 11:50:00"), now, skew).is_ok());
        assert_eq!(check_timestamp(None, now, skew).unwrap_err().code, 30);
        for bad in [
            "2026-11-28 12:10:01",
            "2026-11-28 11:49:59",
            "2026-11-28T12:00:00",
            "2026-11-28 12:00",
            "2026-11-28 12:00:00.000",
            "2026-11-28 12:00:00+08:00",
            "2026-13-28 12:00:00",
            "2026-11-28 1:00:000",
            "1795838400000",
        ] {
            assert_eq!(
                check_timestamp(Some(bad), now, skew).unwrap_err().code,
                31,
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_output_hides_secrets_and_sessions() {
        let builder = Gateway::builder()
            .app("key", "very-secret-value")
            .session("session-value-42");
        let debug = format!("{builder:?}");
        assert!(!debug.contains("very-secret-value"), "{debug}");
        assert!(!debug.contains("session-value-42"), "{debug}");
        assert!(debug.contains("key"), "{debug}");

        let recorded = Recorded {
            http_method: "POST".to_owned(),
            path: PATH.to_owned(),
            query: vec![
                ("session".to_owned(), "session-value-42".to_owned()),
                ("method".to_owned(), "m".to_owned()),
            ],
            body: vec![],
            content_type: None,
            request_id: "gateway-1".to_owned(),
            verdict: Verdict::Ok,
        };
        let debug = format!("{recorded:?}");
        assert!(!debug.contains("session-value-42"), "{debug}");
        assert!(debug.contains("\"method\", \"m\""), "{debug}");
    }

    // ---- The running gateway, spoken to in raw HTTP/1.1, independently of the runtime's client.

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const METHOD: &str = "taobao.wdk.iot.wombat.common.gettoken";
    const SUCCESS: &str =
        r#"{"wdk_iot_wombat_common_gettoken_response":{"result":{"success":true}}}"#;

    /// Form-encodes like the official SDK: unreserved bytes as is, space as `+`, others `%XX`.
    fn encode(pairs: &[(String, String)]) -> String {
        let mut out = String::new();
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            for (j, part) in [k, v].into_iter().enumerate() {
                if j == 1 {
                    out.push('=');
                }
                for b in part.bytes() {
                    match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                            out.push(char::from(b))
                        }
                        b' ' => out.push('+'),
                        _ => out.push_str(&format!("%{b:02X}")),
                    }
                }
            }
        }
        out
    }

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// A raw call: every part can be broken on purpose.
    #[derive(Clone)]
    struct Call {
        http_method: &'static str,
        path: String,
        query: Vec<(String, String)>,
        body: Vec<(String, String)>,
        content_type: Option<String>,
        raw_body: Option<Vec<u8>>,
        raw_query: Option<String>,
    }

    impl Call {
        /// A correct, unsigned call of gettoken by app `12345678`, timestamped now.
        fn good() -> Self {
            let now = topgen_runtime::time::format(&topgen_runtime::time::now());
            Self {
                http_method: "POST",
                path: PATH.to_owned(),
                query: owned(&[
                    ("method", METHOD),
                    ("app_key", "12345678"),
                    ("timestamp", &now),
                    ("format", "json"),
                    ("v", "2.0"),
                    ("sign_method", "md5"),
                ]),
                body: owned(&[("robot_sn", "机器人 A&B=1+2/é"), ("merchant_code", "HM")]),
                content_type: Some("application/x-www-form-urlencoded;charset=UTF-8".to_owned()),
                raw_body: None,
                raw_query: None,
            }
        }

        fn set(mut self, name: &str, value: &str) -> Self {
            self.query.retain(|(k, _)| k != name);
            self.query.push((name.to_owned(), value.to_owned()));
            self
        }

        fn remove(mut self, name: &str) -> Self {
            self.query.retain(|(k, _)| k != name);
            self.body.retain(|(k, _)| k != name);
            self
        }

        fn body(mut self, name: &str, value: &str) -> Self {
            self.body.push((name.to_owned(), value.to_owned()));
            self
        }

        /// Adds `sign`, computed with `secret` over the query (without sign) and the body.
        fn signed_with(mut self, secret: &str) -> Self {
            self.query.retain(|(k, _)| k != "sign");
            let method = self
                .query
                .iter()
                .find(|(k, _)| k == "sign_method")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(SignMethod::Md5);
            let pairs: Vec<(&str, &str)> = self
                .query
                .iter()
                .chain(&self.body)
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let sign = sign(&pairs, None, secret, method);
            self.query.push(("sign".to_owned(), sign));
            self
        }

        fn signed(self) -> Self {
            self.signed_with("gateway-test-secret")
        }

        async fn send(&self, addr: SocketAddr) -> (u16, serde_json::Value) {
            let query = self
                .raw_query
                .clone()
                .unwrap_or_else(|| encode(&self.query));
            let body = self
                .raw_body
                .clone()
                .unwrap_or_else(|| encode(&self.body).into_bytes());
            let mut head = format!(
                "{} {}?{} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
                self.http_method,
                self.path,
                query,
                body.len()
            );
            if let Some(ct) = &self.content_type {
                head.push_str(&format!("Content-Type: {ct}\r\n"));
            }
            head.push_str("\r\n");
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            stream.write_all(head.as_bytes()).await.unwrap();
            stream.write_all(&body).await.unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await.unwrap();
            let answer = String::from_utf8(answer).unwrap();
            let (head, body) = answer.split_once("\r\n\r\n").unwrap();
            let status = head.split(' ').nth(1).unwrap().parse().unwrap();
            let json = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
            (status, json)
        }
    }

    async fn start() -> Gateway {
        Gateway::builder()
            .app("12345678", "gateway-test-secret")
            .api(
                Api::new(METHOD)
                    .required(["robot_sn"])
                    .reply(Reply::json(SUCCESS)),
            )
            .api(
                Api::new("taobao.trade.fullinfo.get")
                    .needs_session(true)
                    .reply(Reply::json(r#"{"trade_fullinfo_get_response":{}}"#)),
            )
            .session("user-session-1")
            .start()
            .await
            .unwrap()
    }

    /// Sends `call` and checks it is refused with `code` and `sub_code`, recorded as such.
    async fn refused(gateway: &Gateway, call: Call, code: i64, sub_code: &str) {
        gateway.clear_requests();
        let (status, reply) = call.send(gateway.addr()).await;
        assert_eq!(status, 200, "{reply}");
        let error = &reply["error_response"];
        assert_eq!(error["code"], code, "{reply}");
        assert_eq!(error["sub_code"], sub_code, "{reply}");
        assert!(
            error["msg"].as_str().is_some_and(|m| !m.is_empty()),
            "{reply}"
        );
        assert!(
            error["sub_msg"].as_str().is_some_and(|m| !m.is_empty()),
            "{reply}"
        );
        let requests = gateway.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(error["request_id"], requests[0].request_id.as_str());
        match &requests[0].verdict {
            Verdict::Rejected(r) => {
                assert_eq!((r.code, r.sub_code.as_str()), (code, sub_code));
                assert!(!r.sub_msg.contains("gateway-test-secret"));
            }
            Verdict::Ok => panic!("recorded as OK: {reply}"),
        }
    }

    #[tokio::test]
    async fn a_correct_call_gets_the_reply_verbatim_and_is_recorded() {
        let gateway = start().await;
        assert!(gateway.endpoint().starts_with("http://127.0.0.1:"));
        assert!(gateway.endpoint().ends_with("/router/rest"));
        for method in ["md5", "hmac", "hmac-sha256"] {
            gateway.clear_requests();
            let call = Call::good().set("sign_method", method).signed();
            let (status, reply) = call.send(gateway.addr()).await;
            assert_eq!(status, 200);
            assert_eq!(
                reply,
                serde_json::from_str::<serde_json::Value>(SUCCESS).unwrap()
            );
            let recorded = gateway.requests();
            assert_eq!(recorded.len(), 1);
            let r = &recorded[0];
            assert_eq!(r.verdict, Verdict::Ok, "{method}");
            assert_eq!((r.http_method.as_str(), r.path.as_str()), ("POST", PATH));
            assert_eq!(r.query, call.query);
            assert_eq!(r.body, call.body);
            assert_eq!(r.body_param("robot_sn"), Some("机器人 A&B=1+2/é"));
            assert_eq!(r.query_param("sign_method"), Some(method));
            assert_eq!(r.content_type, call.content_type);
        }
        // A form without a charset is UTF-8 too.
        let mut call = Call::good().signed();
        call.content_type = Some("application/x-www-form-urlencoded".to_owned());
        gateway.clear_requests();
        assert_eq!(call.send(gateway.addr()).await.0, 200);
        assert_eq!(gateway.requests()[0].verdict, Verdict::Ok);
    }

    #[tokio::test]
    async fn http_method_path_and_encoding_are_checked() {
        let gateway = start().await;
        let mut get = Call::good().signed();
        get.http_method = "GET";
        refused(&gateway, get, 9, "isv.http-action-not-allowed").await;
        let mut path = Call::good().signed();
        path.path = "/router/rest2".to_owned();
        refused(&gateway, path, 9, "isv.http-action-not-allowed").await;

        let mut json = Call::good().signed();
        json.content_type = Some("application/json".to_owned());
        refused(&gateway, json, 41, "isv.invalid-content-type").await;
        let mut none = Call::good().signed();
        none.content_type = None;
        refused(&gateway, none, 41, "isv.invalid-content-type").await;
        let mut gbk = Call::good().signed();
        gbk.content_type = Some("application/x-www-form-urlencoded; charset=GBK".to_owned());
        refused(&gateway, gbk, 47, "isv.invalid-encoding").await;
        let mut latin1 = Call::good().signed();
        latin1.raw_body = Some(b"robot_sn=%E9t%E9".to_vec());
        refused(&gateway, latin1, 47, "isv.invalid-encoding").await;
        let mut query = Call::good().signed();
        query.raw_query = Some(format!("{}&x=%FF", encode(&query.query)));
        refused(&gateway, query, 47, "isv.invalid-encoding").await;
    }

    #[tokio::test]
    async fn params_must_be_in_their_place_once_and_not_empty() {
        let gateway = start().await;
        let mut business_in_query = Call::good();
        business_in_query
            .query
            .push(("ou_code".to_owned(), "8007".to_owned()));
        refused(
            &gateway,
            business_in_query.signed(),
            41,
            "isv.invalid-parameter:ou_code",
        )
        .await;
        let system_in_body = Call::good().body("session", "user-session-1").signed();
        refused(
            &gateway,
            system_in_body,
            41,
            "isv.invalid-parameter:session",
        )
        .await;
        let twice = Call::good().body("robot_sn", "again").signed();
        refused(&gateway, twice, 41, "isv.invalid-parameter:robot_sn").await;
        let mut twice_in_query = Call::good().signed();
        twice_in_query
            .query
            .push(("v".to_owned(), "2.0".to_owned()));
        refused(&gateway, twice_in_query, 41, "isv.invalid-parameter:v").await;
        let empty = Call::good().body("ou_code", "").signed();
        refused(&gateway, empty, 41, "isv.invalid-parameter:ou_code").await;
        let blank = Call::good().body("ou_code", "  ").signed();
        refused(&gateway, blank, 41, "isv.invalid-parameter:ou_code").await;
        let empty_system = Call::good().set("partner_id", "").signed();
        refused(
            &gateway,
            empty_system,
            41,
            "isv.invalid-parameter:partner_id",
        )
        .await;
    }

    #[tokio::test]
    async fn system_params_are_checked() {
        let gateway = start().await;
        let cases = [
            (Call::good().remove("method"), 21, "isv.missing-method"),
            (
                Call::good().set("method", "taobao.no.such.api"),
                22,
                "isv.invalid-method",
            ),
            (Call::good().remove("app_key"), 28, "isv.missing-app-key"),
            (
                Call::good().set("app_key", "87654321"),
                29,
                "isv.invalid-app-key",
            ),
            (
                Call::good().remove("timestamp"),
                30,
                "isv.missing-timestamp",
            ),
            (
                Call::good().set("timestamp", "2026/11/28 12:00:00"),
                31,
                "isv.invalid-timestamp",
            ),
            (
                Call::good().set("timestamp", "2000-01-01 00:00:00"),
                31,
                "isv.invalid-timestamp",
            ),
            (Call::good().remove("v"), 32, "isv.missing-version"),
            (Call::good().set("v", "1.0"), 33, "isv.invalid-version"),
            (Call::good().remove("format"), 23, "isv.invalid-format"),
            (Call::good().set("format", "xml"), 23, "isv.invalid-format"),
            (
                Call::good().remove("sign_method"),
                25,
                "isv.invalid-signature",
            ),
            (
                Call::good().set("sign_method", "sha1"),
                25,
                "isv.invalid-signature",
            ),
        ];
        for (call, code, sub_code) in cases {
            refused(&gateway, call.signed(), code, sub_code).await;
        }
        refused(&gateway, Call::good(), 24, "isv.missing-signature").await;
        let wrong_secret = Call::good().signed_with("another-secret");
        refused(&gateway, wrong_secret, 25, "isv.invalid-signature").await;
        // Signed, then changed: a business value, a system value.
        let tampered = Call::good()
            .signed()
            .remove("merchant_code")
            .body("merchant_code", "XX");
        refused(&gateway, tampered, 25, "isv.invalid-signature").await;
        let tampered = Call::good().signed();
        let tampered = Call {
            query: tampered
                .query
                .iter()
                .map(|(k, v)| {
                    let v = if k == "sign" {
                        v.to_ascii_lowercase()
                    } else {
                        v.clone()
                    };
                    (k.clone(), v)
                })
                .collect(),
            ..tampered
        };
        refused(&gateway, tampered, 25, "isv.invalid-signature").await;
        // Optional system params are signed like the others.
        let mut partner = Call::good().set("partner_id", "top-sdk-rust").signed();
        partner.query.retain(|(k, _)| k != "partner_id");
        partner
            .query
            .push(("partner_id".to_owned(), "other".to_owned()));
        refused(&gateway, partner, 25, "isv.invalid-signature").await;
    }

    #[tokio::test]
    async fn sessions_and_required_params_are_checked() {
        let gateway = start().await;
        let trade = || Call::good().set("method", "taobao.trade.fullinfo.get");
        refused(&gateway, trade().signed(), 26, "isv.missing-session").await;
        let other = trade().set("session", "someone-else").signed();
        refused(&gateway, other, 27, "isv.invalid-session").await;
        gateway.clear_requests();
        let ok = trade().set("session", "user-session-1").signed();
        assert_eq!(ok.send(gateway.addr()).await.0, 200);
        let recorded = gateway.requests();
        assert_eq!(recorded[0].verdict, Verdict::Ok);
        let debug = format!("{:?}", recorded[0]);
        assert!(!debug.contains("user-session-1"), "{debug}");

        let missing = Call::good().remove("robot_sn").signed();
        refused(&gateway, missing, 40, "isv.missing-parameter:robot_sn").await;
    }

    #[tokio::test]
    async fn the_official_java_sdks_captured_requests_pass() {
        // The wire captures of the official Java SDK (shared/top/sign_vectors.json), replayed
        // byte for byte against a gateway whose clock reads their timestamp.
        let now = topgen_runtime::time::parse("2026-11-28 12:00:00").unwrap();
        let gateway = Gateway::builder()
            .app("12345678", "helloworld")
            .api(Api::new(METHOD).reply(Reply::json(SUCCESS)))
            .clock(now)
            .start()
            .await
            .unwrap();
        let captures = [
            ("md5", "2211C3FCF8A614C835A908D30CDB40F1"),
            ("hmac", "5B772061C17FFEB98A111D36E72BF66A"),
            (
                "hmac-sha256",
                "E01D45B8AFBC6ADCAC10672C52893CB7517F4F884F481C00833A02AA98EE1FBE",
            ),
        ];
        for (method, sign) in captures {
            gateway.clear_requests();
            let mut call = Call::good();
            call.raw_query = Some(format!(
                "app_key=12345678&method={METHOD}&v=2.0&sign={sign}&timestamp=2026-11-28+12%3A00%3A00&partner_id=top-sdk-java-dynamicVersionNo&format=json&sign_method={method}"
            ));
            call.raw_body =
                Some(b"merchant_code=HM&ou_code=8007&scenes_code=1&robot_sn=xxxxx".to_vec());
            let (status, reply) = call.send(gateway.addr()).await;
            assert_eq!(status, 200);
            assert_eq!(
                reply["error_response"],
                serde_json::Value::Null,
                "{method}: {reply}"
            );
            assert_eq!(gateway.requests()[0].verdict, Verdict::Ok, "{method}");
        }
        // The same capture with a different secret's sign is refused.
        gateway.clear_requests();
        let mut call = Call::good();
        call.raw_query = Some(format!(
            "app_key=12345678&method={METHOD}&v=2.0&sign=7FA600ECB5499BD7B8B99D551CDE0D39&timestamp=2026-11-28+12%3A00%3A00&partner_id=top-sdk-java-dynamicVersionNo&format=json&sign_method=md5"
        ));
        call.raw_body =
            Some(b"merchant_code=HM&ou_code=8007&scenes_code=1&robot_sn=xxxxx".to_vec());
        refused(&gateway, call, 25, "isv.invalid-signature").await;
    }

    #[tokio::test]
    async fn replies_can_be_changed_and_be_any_http_answer() {
        let gateway = start().await;
        gateway.api(Api::new(METHOD).reply(Reply::http(
            502,
            "text/html",
            "<html>bad gateway</html>",
        )));
        let call = Call::good().signed();
        let (status, _) = call.send(gateway.addr()).await;
        assert_eq!(status, 502);
        // The replacement has no required params: robot_sn may be left out now.
        gateway.api(Api::new(METHOD).reply(Reply::json(r#"{"x_response":{}}"#)));
        let (status, reply) = Call::good()
            .remove("robot_sn")
            .signed()
            .send(gateway.addr())
            .await;
        assert_eq!(
            (status, reply),
            (200, serde_json::json!({"x_response": {}}))
        );
    }

    #[tokio::test]
    async fn dropping_the_gateway_stops_it() {
        let gateway = start().await;
        let addr = gateway.addr();
        assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
        drop(gateway);
        let mut refused = false;
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(addr).await.is_err() {
                refused = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(refused, "still accepting connections on {addr}");
    }
}
