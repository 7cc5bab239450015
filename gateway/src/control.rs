//! The control API: the gateway driven over HTTP, on its own port, under [`CONTROL_PATH`] —
//! faults, recorded requests, replies, TMC messages — for tests written in any language. The
//! routes and their JSON are in the [crate docs](crate#control-api).

use std::collections::VecDeque;
use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{Api, Reply};
use crate::fault::{Fault, TopErrorReply};
use crate::record::{Recorded, is_secret_header, is_secret_param};
use crate::reply::{self, ErrorFields};
use crate::server::{Shared, lock};
use crate::tmc::QueuedMessage;
use crate::wire::{HttpRequest, Outgoing};
use crate::{Format, Verdict};

/// The path under which the control API answers (`/__gateway/faults`, …); TOP has no API
/// there, and requests to it are neither checked like TOP's nor recorded.
pub const CONTROL_PATH: &str = "/__gateway";

/// At most this many faults are queued by one `POST /__gateway/faults`.
const MAX_FAULT_COUNT: usize = 100_000;

/// The routes, for the index and for a request to a path that is not one.
const ROUTES: &[&str] = &[
    "GET /__gateway",
    "GET /__gateway/faults",
    "POST /__gateway/faults",
    "DELETE /__gateway/faults",
    "PUT /__gateway/faults/default",
    "DELETE /__gateway/faults/default",
    "GET /__gateway/requests",
    "DELETE /__gateway/requests",
    "PUT /__gateway/replies/{method}",
    "DELETE /__gateway/replies/{method}",
    "DELETE /__gateway/replies",
    "GET /__gateway/tmc",
    "POST /__gateway/tmc/messages",
];

/// Whether `path` is the control API's.
pub(crate) fn is_control(path: &str) -> bool {
    path == CONTROL_PATH
        || path
            .strip_prefix(CONTROL_PATH)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Who may use the control API: anyone, or the holders of a token.
pub(crate) struct Settings {
    token: Option<String>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("token", &self.token.as_ref().map(|_| format_args!("***")))
            .finish()
    }
}

impl Settings {
    /// The given token; else none on loopback, a random one beyond it.
    pub fn new(token: Option<String>, listen: IpAddr) -> Self {
        let token = token.or_else(|| (!listen.is_loopback()).then(random_token));
        Self { token }
    }

    /// The token required, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Whether `req` may use the control API.
    fn admits(&self, req: &HttpRequest) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        req.header("authorization")
            .and_then(|h| {
                let (scheme, value) = h.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| value.trim())
            })
            .is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes()))
    }
}

/// 32 hex digits from the operating system's random source; a fixed-length fallback of the
/// process id and the time if it fails (it does not on the systems tests run on).
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = (nanos ^ (u128::from(std::process::id()) << 96)).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A control answer: a status and a JSON body.
struct Answer {
    status: u16,
    body: Value,
    allow: Option<&'static str>,
}

fn ok(body: Value) -> Answer {
    Answer {
        status: 200,
        body,
        allow: None,
    }
}

fn error(status: u16, message: impl Into<String>) -> Answer {
    Answer {
        status,
        body: json!({ "error": message.into() }),
        allow: None,
    }
}

fn not_allowed(allow: &'static str) -> Answer {
    Answer {
        status: 405,
        body: json!({ "error": format!("this route takes {allow}") }),
        allow: Some(allow),
    }
}

/// Reads a request body as `T`; the error names the field path and what was expected.
fn parse<T: for<'de> Deserialize<'de>>(req: &HttpRequest, what: &str) -> Result<T, Answer> {
    let mut de = serde_json::Deserializer::from_slice(&req.body);
    let parsed: Result<T, serde_path_to_error::Error<serde_json::Error>> =
        serde_path_to_error::deserialize(&mut de);
    let value = parsed.map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        error(
            400,
            format!("the body is not {what}{at}: {}", e.into_inner()),
        )
    })?;
    de.end()
        .map_err(|e| error(400, format!("the body is not {what}: {e}")))?;
    Ok(value)
}

/// The kinds of fault the control API takes, each with its fields.
const FAULT_KINDS: &[(&str, &[&str])] = &[
    ("isp_error", &[]),
    ("isv_error", &[]),
    ("top_error", &["code", "msg", "sub_code", "sub_msg"]),
    ("http", &["status", "content_type", "body"]),
    ("proxy_error_page", &["status"]),
    ("delay", &["ms"]),
    ("stall_body", &["after", "ms"]),
    ("truncate", &["keep"]),
    ("drop_mid_body", &["after"]),
    ("oversize", &["bytes"]),
    ("chunked", &[]),
    ("gzip", &[]),
    ("close", &[]),
    ("all", &["faults"]),
];

/// A fault as the control API takes it: `{"kind": "isp_error"}`, `{"kind": "delay", "ms":
/// 500}`, … (one kind per [`Fault`] variant, [`FAULT_KINDS`]); an error names the field path
/// below `path` and what was expected.
fn parse_fault(value: &Value, path: &str, depth: usize) -> Result<Fault, String> {
    let Value::Object(fields) = value else {
        return Err(format!("`{path}`: expected an object with a `kind`"));
    };
    let kinds = || {
        FAULT_KINDS
            .iter()
            .map(|(k, _)| *k)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(kind) = fields.get("kind").and_then(Value::as_str) else {
        return Err(format!("`{path}.kind`: expected one of {}", kinds()));
    };
    let Some((_, allowed)) = FAULT_KINDS.iter().find(|(k, _)| *k == kind) else {
        return Err(format!(
            "`{path}.kind`: {kind:?} is not a fault; expected one of {}",
            kinds()
        ));
    };
    if let Some(extra) = fields
        .keys()
        .find(|k| *k != "kind" && !allowed.contains(&k.as_str()))
    {
        return Err(format!(
            "`{path}.{extra}`: a {kind} fault has no such field (it has: {})",
            if allowed.is_empty() {
                "none".to_owned()
            } else {
                allowed.join(", ")
            }
        ));
    }
    let field = |name: &str| fields.get(name).filter(|v| !v.is_null());
    let int = |name: &str| -> Result<u64, String> {
        match field(name) {
            None => Err(format!(
                "`{path}.{name}`: missing (a {kind} fault needs it)"
            )),
            Some(v) => v.as_u64().ok_or_else(|| {
                format!("`{path}.{name}`: expected a non-negative integer, found {v}")
            }),
        }
    };
    let size = |name: &str| -> Result<usize, String> {
        usize::try_from(int(name)?).map_err(|_| format!("`{path}.{name}`: too large"))
    };
    let text = |name: &str| -> Result<Option<String>, String> {
        match field(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(format!("`{path}.{name}`: expected a string, found {v}")),
        }
    };
    let status = || -> Result<u16, String> {
        let status = int("status")?;
        u16::try_from(status)
            .ok()
            .filter(|s| (200..=599).contains(s))
            .ok_or_else(|| format!("`{path}.status`: {status} is not an HTTP status 200 to 599"))
    };
    let ms = |name: &str| int(name).map(std::time::Duration::from_millis);
    Ok(match kind {
        "isp_error" => Fault::isp_error(),
        "isv_error" => Fault::isv_error(),
        "top_error" => {
            let code = match field("code") {
                Some(v) => v
                    .as_i64()
                    .ok_or_else(|| format!("`{path}.code`: expected an integer, found {v}"))?,
                None => return Err(format!("`{path}.code`: missing (a top_error needs it)")),
            };
            Fault::TopError(TopErrorReply {
                code,
                msg: text("msg")?
                    .ok_or_else(|| format!("`{path}.msg`: missing (a top_error needs it)"))?,
                sub_code: text("sub_code")?,
                sub_msg: text("sub_msg")?,
            })
        }
        "http" => {
            let status = status()?;
            match (text("content_type")?, text("body")?) {
                (None, None) => Fault::status(status),
                (content_type, body) => Fault::http(
                    status,
                    content_type.unwrap_or_else(|| "text/plain;charset=UTF-8".to_owned()),
                    body.unwrap_or_default(),
                ),
            }
        }
        "proxy_error_page" => Fault::proxy_error_page(status()?),
        "delay" => Fault::delay(ms("ms")?),
        "stall_body" => Fault::stall_body(size("after")?, ms("ms")?),
        "truncate" => Fault::truncate(size("keep")?),
        "drop_mid_body" => Fault::drop_mid_body(size("after")?),
        "oversize" => Fault::oversize(size("bytes")?),
        "chunked" => Fault::chunked(),
        "gzip" => Fault::gzip(),
        "close" => Fault::close(),
        _ => {
            if depth >= 8 {
                return Err(format!("`{path}`: faults nested more than 8 deep"));
            }
            let Some(Value::Array(all)) = field("faults") else {
                return Err(format!("`{path}.faults`: expected an array of faults"));
            };
            Fault::All(
                all.iter()
                    .enumerate()
                    .map(|(i, f)| parse_fault(f, &format!("{path}.faults[{i}]"), depth + 1))
                    .collect::<Result<_, _>>()?,
            )
        }
    })
}

/// `POST /__gateway/faults`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueFaults {
    /// A fault ([`parse_fault`]).
    fault: Value,
    /// How many requests get it (default 1).
    count: Option<usize>,
    /// Only the requests of this API.
    api: Option<String>,
}

/// `PUT /__gateway/replies/{method}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetReply {
    /// The success reply, JSON, with or without its `<name>_response` wrapper, answered as
    /// given (its keys in their order).
    response: Option<Box<serde_json::value::RawValue>>,
    /// Its XML form (else derived from the JSON).
    xml: Option<String>,
    /// An error every request that passes the checks gets instead.
    error: Option<ErrorSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorSpec {
    code: i64,
    msg: String,
    sub_code: Option<String>,
    sub_msg: Option<String>,
}

/// `POST /__gateway/tmc/messages`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Publish {
    /// The consumer group (default `default`).
    group: Option<String>,
    topic: String,
    /// JSON text, or any JSON value (sent as its compact text).
    content: Value,
    user_id: Option<i64>,
    nick: Option<String>,
    publisher: Option<String>,
    data_id: Option<i64>,
    /// Epoch milliseconds.
    time: Option<i64>,
    gzip: Option<bool>,
}

impl Shared {
    /// Answers a control API request.
    pub(crate) fn control(&self, req: &HttpRequest) -> Outgoing {
        let answer = if self.control.admits(req) {
            self.route(req)
        } else {
            Answer {
                status: 401,
                body: json!({
                    "error": "the control API of a gateway bound beyond 127.0.0.1 needs `Authorization: Bearer TOKEN`, the token topgen-gateway printed when it started"
                }),
                allow: None,
            }
        };
        let mut body = serde_json::to_vec(&answer.body).unwrap_or_default();
        body.push(b'\n');
        let mut headers = vec![
            (
                "Content-Type".to_owned(),
                "application/json;charset=UTF-8".to_owned(),
            ),
            ("Server".to_owned(), "topgen-gateway".to_owned()),
        ];
        if let Some(allow) = answer.allow {
            headers.push(("Allow".to_owned(), allow.to_owned()));
        }
        if answer.status == 401 {
            headers.push(("WWW-Authenticate".to_owned(), "Bearer".to_owned()));
        }
        Outgoing {
            status: answer.status,
            headers,
            body,
            close: !req.keep_alive(),
            ..Outgoing::default()
        }
    }

    fn route(&self, req: &HttpRequest) -> Answer {
        let (path, _) = req.path_and_query();
        let rest = path[CONTROL_PATH.len()..].trim_end_matches('/');
        let method = req.method.as_str();
        match rest {
            "" => match method {
                "GET" => self.index(),
                _ => not_allowed("GET"),
            },
            "/faults" => match method {
                "GET" => self.faults(),
                "POST" => self.queue_faults(req),
                "DELETE" => {
                    *lock(&self.faults) = Default::default();
                    ok(json!({ "cleared": true }))
                }
                _ => not_allowed("GET, POST, DELETE"),
            },
            "/faults/default" => match method {
                "PUT" => match parse::<Value>(req, "JSON") {
                    Err(answer) => answer,
                    Ok(value) => match (!value.is_null())
                        .then(|| parse_fault(&value, "body", 0))
                        .transpose()
                    {
                        Err(why) => error(400, why),
                        Ok(fault) => {
                            let shown = fault.as_ref().map(|f| format!("{f:?}"));
                            lock(&self.faults).default = fault;
                            ok(json!({ "default": shown }))
                        }
                    },
                },
                "DELETE" => {
                    lock(&self.faults).default = None;
                    ok(json!({ "default": null }))
                }
                _ => not_allowed("PUT, DELETE"),
            },
            "/requests" => match method {
                "GET" => self.requests(),
                "DELETE" => {
                    let mut log = lock(&self.log);
                    log.records.clear();
                    log.seen = 0;
                    ok(json!({ "cleared": true }))
                }
                _ => not_allowed("GET, DELETE"),
            },
            "/replies" => match method {
                "DELETE" => {
                    let replaced = std::mem::take(&mut *lock(&self.replaced));
                    let restored: Vec<String> = replaced.keys().cloned().collect();
                    Arc::make_mut(&mut lock(&self.config)).apis.extend(replaced);
                    ok(json!({ "restored": restored }))
                }
                _ => not_allowed("DELETE"),
            },
            "/tmc" => match method {
                "GET" => self.tmc_state(),
                _ => not_allowed("GET"),
            },
            "/tmc/messages" => match method {
                "POST" => self.publish(req),
                _ => not_allowed("POST"),
            },
            _ => match rest.strip_prefix("/replies/") {
                Some(api) if !api.is_empty() && !api.contains('/') => match method {
                    "PUT" => self.set_reply(api, req),
                    "DELETE" => self.restore_reply(api),
                    _ => not_allowed("PUT, DELETE"),
                },
                _ => Answer {
                    status: 404,
                    body: json!({
                        "error": format!("no control route {method} {path}"),
                        "routes": ROUTES,
                    }),
                    allow: None,
                },
            },
        }
    }

    fn index(&self) -> Answer {
        let config = lock(&self.config);
        let apps: Vec<String> = config.apps.keys().cloned().collect();
        let apis = config.apis.len();
        drop(config);
        let seen = lock(&self.log).seen;
        let pending = lock(&self.faults).pending();
        ok(json!({
            "apps": apps,
            "apis": apis,
            "requests": seen,
            "pending_faults": pending,
            "tmc": self.tmc.as_ref().map(|link| &link.endpoint),
            "routes": ROUTES,
        }))
    }

    fn faults(&self) -> Answer {
        let faults = lock(&self.faults);
        let show = |queue: &VecDeque<Fault>| -> Vec<String> {
            queue.iter().map(|f| format!("{f:?}")).collect()
        };
        let by_api: serde_json::Map<String, Value> = faults
            .by_api
            .iter()
            .map(|(api, queue)| (api.clone(), json!(show(queue))))
            .collect();
        ok(json!({
            "pending": faults.pending(),
            "queue": show(&faults.queue),
            "by_api": by_api,
            "default": faults.default.as_ref().map(|f| format!("{f:?}")),
        }))
    }

    fn queue_faults(&self, req: &HttpRequest) -> Answer {
        let spec: QueueFaults = match parse(req, r#"{"fault": {"kind": …}, "count"?, "api"?}"#) {
            Ok(spec) => spec,
            Err(answer) => return answer,
        };
        let count = spec.count.unwrap_or(1);
        if count == 0 || count > MAX_FAULT_COUNT {
            return error(400, format!("`count` is {count}: 1 to {MAX_FAULT_COUNT}"));
        }
        if let Some(api) = &spec.api
            && !lock(&self.config).apis.contains_key(api)
        {
            return error(404, format!("`api`: the gateway serves no API {api:?}"));
        }
        let fault = match parse_fault(&spec.fault, "fault", 0) {
            Ok(fault) => fault,
            Err(why) => return error(400, why),
        };
        let shown = format!("{fault:?}");
        let mut faults = lock(&self.faults);
        let queue = match &spec.api {
            Some(api) => faults.by_api.entry(api.clone()).or_default(),
            None => &mut faults.queue,
        };
        queue.extend(std::iter::repeat_n(fault, count));
        ok(json!({
            "queued": count,
            "fault": shown,
            "api": spec.api,
            "pending": faults.pending(),
        }))
    }

    fn requests(&self) -> Answer {
        let log = lock(&self.log);
        let requests: Vec<Value> = log.records.iter().map(recorded_json).collect();
        ok(json!({
            "count": log.seen,
            "capacity": log.capacity,
            "requests": requests,
        }))
    }

    fn set_reply(&self, method: &str, req: &HttpRequest) -> Answer {
        let spec: SetReply = match parse(req, r#"{"response": {…}, "xml"?} or {"error": {…}}"#)
        {
            Ok(spec) => spec,
            Err(answer) => return answer,
        };
        let mut guard = lock(&self.config);
        let config = Arc::make_mut(&mut guard);
        let Some(current) = config.apis.get(method) else {
            return error(404, format!("the gateway serves no API {method:?}"));
        };
        let mut api = Api::new(method)
            .required(current.required_params().to_vec())
            .files(current.file_params().to_vec())
            .needs_session(current.needs_a_session());
        let key = reply::response_key(method);
        match (spec.response, spec.xml, spec.error) {
            (Some(response), xml, None) => {
                let raw = response.get();
                let Ok(Value::Object(object)) = serde_json::from_str::<Value>(raw) else {
                    return error(400, "`response` is not a JSON object");
                };
                let wrapped = if object.len() == 1 && object.contains_key(&key) {
                    raw.to_owned()
                } else {
                    format!("{{{}:{raw}}}", Value::String(key.clone()))
                };
                api = api.response_json(wrapped);
                if let Some(xml) = xml {
                    api = api.response_xml(xml);
                }
            }
            (None, None, Some(e)) => {
                let json = reply::render_error(
                    &ErrorFields {
                        code: e.code,
                        msg: &e.msg,
                        sub_code: e.sub_code.as_deref(),
                        sub_msg: e.sub_msg.as_deref(),
                        request_id: None,
                    },
                    Format::Json,
                );
                api = api.error_json(json).reply(Reply::ErrorExample);
            }
            _ => {
                return error(
                    400,
                    "give `response` (and optionally `xml`), or `error`, not both",
                );
            }
        }
        let previous = config.apis.insert(method.to_owned(), api);
        drop(guard);
        if let Some(previous) = previous {
            lock(&self.replaced)
                .entry(method.to_owned())
                .or_insert(previous);
        }
        ok(json!({ "replaced": method }))
    }

    fn restore_reply(&self, method: &str) -> Answer {
        match lock(&self.replaced).remove(method) {
            None => error(404, format!("the reply of {method:?} was not replaced")),
            Some(api) => {
                Arc::make_mut(&mut lock(&self.config))
                    .apis
                    .insert(method.to_owned(), api);
                ok(json!({ "restored": method }))
            }
        }
    }

    fn tmc_state(&self) -> Answer {
        let Some(link) = &self.tmc else {
            return no_tmc();
        };
        let endpoint = &link.endpoint;
        link.shared.read(|s| {
            let pending: serde_json::Map<String, Value> = s
                .queues
                .groups()
                .map(|(group, n)| (group.to_owned(), json!(n)))
                .collect();
            let failed: Vec<Value> = s
                .failed
                .to_vec()
                .into_iter()
                .map(|(id, msg)| json!({ "id": id, "msg": msg }))
                .collect();
            let published: Vec<Value> = s
                .published
                .to_vec()
                .into_iter()
                .map(|p| {
                    let content = match p.data.content {
                        Some(topgen_tmc::Content::Text(text)) => json!(text),
                        Some(topgen_tmc::Content::Bytes(bytes)) => {
                            json!({ "gzip_bytes": bytes.len() })
                        }
                        None => Value::Null,
                    };
                    json!({
                        "app_key": p.app_key,
                        "group": p.group,
                        "topic": p.data.topic,
                        "content": content,
                        "session": p.session.map(|_| "***"),
                    })
                })
                .collect();
            ok(json!({
                "endpoint": endpoint,
                "pending": pending,
                "deliveries": s.deliveries,
                "confirmed": s.confirmed.to_vec(),
                "failed": failed,
                "published": published,
                "connections": s.connections.seen(),
            }))
        })
    }

    fn publish(&self, req: &HttpRequest) -> Answer {
        let Some(link) = &self.tmc else {
            return no_tmc();
        };
        let spec: Publish = match parse(req, r#"{"topic": "…", "content": …, "group"?, …}"#) {
            Ok(spec) => spec,
            Err(answer) => return answer,
        };
        if spec.topic.trim().is_empty() {
            return error(400, "`topic` is empty");
        }
        let content = match spec.content {
            Value::String(text) => text,
            other => other.to_string(),
        };
        let mut message = QueuedMessage::new(spec.topic, content).gzip(spec.gzip.unwrap_or(false));
        if let Some(user_id) = spec.user_id {
            message = message.user_id(user_id);
        }
        if let Some(nick) = spec.nick {
            message = message.nick(nick);
        }
        if let Some(publisher) = spec.publisher {
            message = message.publisher(publisher);
        }
        if let Some(data_id) = spec.data_id {
            message = message.data_id(data_id);
        }
        if let Some(time) = spec.time {
            message = message.time(time);
        }
        let group = spec.group.unwrap_or_else(|| "default".to_owned());
        let id = link.shared.queue(&group, message);
        ok(json!({ "id": id, "id_text": id.to_string(), "group": group }))
    }
}

fn no_tmc() -> Answer {
    error(
        404,
        "this gateway has no TMC endpoint (`topgen-gateway serve --tmc-port PORT`, or GatewayBuilder::tmc)",
    )
}

/// Pairs as JSON `[name, value]` arrays, secret values as `***`.
fn pairs(pairs: &[(String, String)], secret: fn(&str) -> bool) -> Value {
    pairs
        .iter()
        .map(|(k, v)| json!([k, if secret(k) { "***" } else { v.as_str() }]))
        .collect()
}

/// A recorded request as the control API shows it.
fn recorded_json(r: &Recorded) -> Value {
    let (verdict, rejection) = match &r.verdict {
        Verdict::Ok => ("ok", Value::Null),
        Verdict::Rejected(why) => (
            "rejected",
            json!({
                "code": why.code,
                "msg": why.msg,
                "sub_code": why.sub_code,
                "sub_msg": why.sub_msg,
            }),
        ),
    };
    let files: Vec<Value> = r
        .files
        .iter()
        .map(|f| {
            json!({
                "name": f.name,
                "file_name": f.file_name,
                "content_type": f.content_type,
                "size": f.bytes.len(),
            })
        })
        .collect();
    let batch = r.batch.as_ref().map(|b| {
        let parts: Vec<Value> = b
            .parts
            .iter()
            .map(|p| {
                json!({
                    "method": p.method,
                    "params": pairs(&p.params, is_secret_param),
                    "verdict": if p.verdict.is_ok() { "ok" } else { "rejected" },
                    "code": p.verdict.code(),
                })
            })
            .collect();
        json!({ "public": pairs(&b.public, is_secret_param), "parts": parts })
    });
    json!({
        "request_id": r.request_id,
        "http_method": r.http_method,
        "path": r.path,
        "method": r.param("method"),
        "query": pairs(&r.query, is_secret_param),
        "body": pairs(&r.body, is_secret_param),
        "files": files,
        "content_type": r.content_type,
        "headers": pairs(&r.headers, is_secret_header),
        "reply_format": r.reply_format.as_str(),
        "verdict": verdict,
        "rejection": rejection,
        "fault": r.fault.as_ref().map(|f| format!("{f:?}")),
        "compressed": r.compressed,
        "gateway_time": r.gateway_time.format("%Y-%m-%d %H:%M:%S").to_string(),
        "batch": batch,
    })
}

#[cfg(test)]
mod tests;
